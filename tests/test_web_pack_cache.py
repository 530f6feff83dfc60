"""The pack cache keeps the pack it just built when the data folder is given as a relative path."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest


def test_a_relative_data_folder_keeps_the_new_pack_and_prunes_only_older_ones(
        tmp_path: Path, web_corpus: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.web.packs import PackService

    monkeypatch.chdir(tmp_path)
    service = PackService(web_corpus, Path("wd") / "packs", workers=1)
    try:
        older = service.path("0" * 40, "school-a")
        keep = service.path("1" * 40, "school-a")
        other = service.path("2" * 40, "school-b")
        for path in (older, keep, other):
            path.write_bytes(b"zip")
        service._prune(keep, "school-a")
        # `gongyu web --data wd` once removed the pack it had just written (a relative glob result
        # never equals the resolved name), so every download failed
        assert keep.is_file() and other.is_file() and not older.exists()
        assert service.cache_dir.is_absolute() and os.path.samefile(service.cache_dir, tmp_path / "wd" / "packs")
    finally:
        service.close()
