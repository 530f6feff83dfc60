"""Font discovery: the real fonts are found, and their absence is explained in Chinese."""

from __future__ import annotations

import sys

import pytest

from generator import fonts
from generator.errors import GongyuError


def test_cjk_fonts_are_found() -> None:
    found = fonts.find_fonts(refresh=True)
    assert found.families["serif"] and found.families["sans"]
    assert found.family("fangsong")  # falls back to serif where no 仿宋 is installed


def test_no_cjk_font_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_font_dirs", lambda: [])
    monkeypatch.delenv("GONGYU_FONT_DIR", raising=False)
    try:
        with pytest.raises(GongyuError) as info:
            fonts.find_fonts(refresh=True)
    finally:
        monkeypatch.undo()
        fonts.find_fonts(refresh=True)
    message = info.value.format()
    assert "找不到中文字体" in message
    if sys.platform.startswith("linux"):
        assert "fonts-noto-cjk" in message
