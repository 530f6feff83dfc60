"""One small school pack compared, file by file, with a golden tree.

Word files are compared through their ``word/document.xml``, pretty-printed, so a diff reads as a
change of paragraphs; the calendar, README and 行事历 are compared as they are. Refresh after an
intended change with ``pytest tests/test_pack_golden.py --update-golden`` and review the diff.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.dom import minidom

from generator.pipeline import load_corpus
from generator.packs import pack_files, resolve_profile

from .test_calendar import make_project

GOLDEN = Path(__file__).parent / "golden" / "pack"


def _document_xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        xml = archive.read("word/document.xml")
    return minidom.parseString(xml).toprettyxml(indent=" ")


def golden_tree(tmp_path: Path) -> dict[str, str]:
    corpus = load_corpus(make_project(tmp_path / "project"))
    content = pack_files(resolve_profile(corpus.schools["test-school"], corpus), corpus, pdf=False)
    tree: dict[str, str] = {}
    for name, data in sorted(content.files.items()):
        if name.endswith(".docx"):
            tree[name.replace(".docx", ".document.xml")] = _document_xml(data)
        else:
            tree[name] = data.decode("utf-8-sig").replace("\r\n", "\n")
    return tree


def test_pack_matches_golden_tree(tmp_path: Path, update_golden: bool) -> None:
    tree = golden_tree(tmp_path)
    if update_golden:
        for old in GOLDEN.glob("*"):
            old.unlink()
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, text in tree.items():
            (GOLDEN / name).write_text(text, encoding="utf-8", newline="\n")
    assert GOLDEN.is_dir(), "缺少金标准目录，请运行 pytest tests/test_pack_golden.py --update-golden 生成"
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(tree)
    for name, text in tree.items():
        assert text == (GOLDEN / name).read_text(encoding="utf-8"), name
