"""Font discovery: the real fonts are found, and their absence is explained in Chinese."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.base import fonts
from generator.errors import GongyuError

REPO = Path(__file__).resolve().parents[1]


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


# --- the official 公文 faces, where a user has them ----------------------------------------------

#: (file name as Windows or 方正 ship it, family name inside, the role font_report gives it)
OFFICIAL = (
    ("simfang.ttf", "FangSong", "正文：仿宋（FangSong）"),
    ("simkai.ttf", "KaiTi", "二级标题：楷体（KaiTi）"),
    ("simhei.ttf", "SimHei", "一级标题：黑体（SimHei）"),
    ("FZXBSJW.TTF", "FZXiaoBiaoSong-B05S", "标题：小标宋（FZXiaoBiaoSong-B05S）"),
)


def _official_fonts(folder: Path) -> None:
    """Stand-ins for the official faces: a free font cut to the characters of the bundled plans and
    profiles, renamed to each official family (the real ones are not free to ship)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = next((p for p in (Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),) if p.is_file()), None)
    if source is None:
        pytest.skip("需要 fonts-arphic-ukai")
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "plans").rglob("*.yml")))
    text += "".join(chr(c) for c in range(0x20, 0x7F)) + "星期一二三四五六日年月（）〔〕—，。、；：“”《》"
    options = subset.Options()
    options.name_IDs, options.layout_features, options.hinting, options.notdef_outline = ["*"], [], False, True
    font = TTFont(str(source), fontNumber=0)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    for file_name, family, _line in OFFICIAL:
        names = font["name"]
        names.names = []
        for name_id, value in ((1, family), (2, "Regular"), (3, family), (4, family), (6, family.replace(" ", ""))):
            names.setName(value, name_id, 3, 1, 0x409)
            names.setName(value, name_id, 1, 0, 0)
        font.save(str(folder / file_name))


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="需要 poppler-utils")
def test_official_faces_in_the_fonts_folder_are_used_and_reported(tmp_path: Path) -> None:
    folder = tmp_path / "公文字体"
    folder.mkdir()
    _official_fonts(folder)
    out = tmp_path / "out"
    profile = REPO / "plans" / "schools" / "qingshan-xiaoxue.yml"
    done = subprocess.run([sys.executable, "-m", "generator", "school", "build", str(profile), "--out", str(out),
                           "--jobs", "1", "--fonts", str(folder)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    pack = out / "qingshan-xiaoxue"
    readme = (pack / "README.txt").read_text(encoding="utf-8-sig")
    for _file, family, line in OFFICIAL:
        assert line in done.stdout and line in readme, (line, done.stdout)
    assert "替代" not in readme
    embedded = subprocess.run(["pdffonts", str(pack / "kongchuo-baoxue.pdf")], capture_output=True, text=True,
                              check=True).stdout
    for _file, family, _line in OFFICIAL:
        assert f"+{family}" in embedded, (family, embedded)
