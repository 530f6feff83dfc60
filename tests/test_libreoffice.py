"""Every Word file of the example schools' packs opens in LibreOffice and converts to A4 PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.pipeline import load_corpus
from generator.packs import build_packs

from .conftest import REPO

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None or shutil.which("pdfinfo") is None, reason="LibreOffice 或 poppler-utils 未安装")
def test_example_packs_convert_with_libreoffice(tmp_path: Path) -> None:
    corpus = load_corpus(REPO)
    profiles = sorted(corpus.school_files.values())
    result = build_packs(profiles, corpus, tmp_path / "packs", jobs=1, forms=False)
    assert result.failed == [] and len(result.built) == len(profiles)
    documents = sorted((tmp_path / "packs").rglob("*.docx"))
    assert len(documents) >= 3 * 6  # five or more plans and the work calendar per school
    out = tmp_path / "pdf"
    for batch in (documents[i:i + 8] for i in range(0, len(documents), 8)):
        subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                        "--convert-to", "pdf", "--outdir", str(out), *map(str, batch)],
                       check=True, capture_output=True, timeout=600)
    for document in documents:
        pdf = out / (document.stem + ".pdf")
        assert pdf.is_file(), f"LibreOffice 未能转换 {document}"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        size = next(line for line in info.splitlines() if line.startswith("Page size"))
        assert "A4" in size, (document.name, size)
