"""Stamping a school's name by incremental PDF update (generator/render/pdf_update.py).

Read back by readers other than our own: pypdf (strict) walks the update's cross-reference chain
and reads the new title from both the information dictionary and the XMP packet; poppler's
pdfinfo and pdftotext read the title and the name. The raster comparison with a form rendered
directly is in test_batch.py.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from generator.packs import stamp as stamp_module
from generator.packs.stamp import blank_for, name_drawings, stamped_forms
from generator.render.pdf.update import PdfFile, UnsupportedPdf, drawings, stamp

REPO = Path(__file__).resolve().parents[1]
NAME = "青山县石桥镇青山小学"


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load_corpus(REPO, schools=False)


def _stamped(real: Corpus, form_id: str) -> tuple[bytes, bytes]:
    form = real.forms[form_id]
    blank = blank_for(form)
    assert blank is not None
    return blank.pdf, stamped_forms([form], NAME)[0]


def test_the_blank_is_kept_byte_for_byte_and_the_update_follows_it(real: Corpus) -> None:
    blank, stamped = _stamped(real, "jiafang-jilu")
    assert stamped.startswith(blank)  # an incremental update: nothing of the blank rewritten
    update = stamped[len(blank):]
    assert re.search(rb"/Prev %d>>" % PdfFile.parse(blank).xref_at, update)
    assert update.rstrip().endswith(b"%%EOF")


def test_a_second_reader_sees_the_title_the_name_and_every_page(real: Corpus) -> None:
    for form_id in ("jiafang-jilu", "baogan-fenjie"):
        blank, stamped = _stamped(real, form_id)
        reader = PdfReader(io.BytesIO(stamped), strict=True)
        title = f"{NAME}{real.forms[form_id].title}"
        assert reader.metadata is not None and reader.metadata.title == title
        xmp = reader.xmp_metadata
        assert xmp is not None and title in xmp.dc_title.values()
        assert len(reader.pages) == len(PdfReader(io.BytesIO(blank)).pages)
        assert NAME in reader.pages[0].extract_text()
        assert "某某" not in "".join(page.extract_text() for page in reader.pages)


@pytest.mark.skipif(not shutil.which("pdfinfo") or not shutil.which("pdftotext"), reason="需要 poppler-utils")
def test_poppler_reads_the_stamped_form(tmp_path: Path, real: Corpus) -> None:
    _blank, stamped = _stamped(real, "baogan-fenjie")
    path = tmp_path / "form.pdf"
    path.write_bytes(stamped)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"Title:           {NAME}{real.forms['baogan-fenjie'].title}" in info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    assert NAME in text.stdout and "Weird" not in text.stderr and "Error" not in text.stderr


def test_one_typst_compilation_lays_out_the_name_for_every_form(real: Corpus) -> None:
    from generator.render.pdf.typst_engine import get_engine

    forms = [real.forms[f] for f in sorted(real.forms)]
    for form in forms:
        blank_for(form)
    engine = get_engine()
    before = engine.compiles
    stamped_forms(forms, "某县第九十九中心学校")
    assert engine.compiles - before == 1
    stamped_forms(forms, "某县第九十九中心学校")
    assert engine.compiles - before == 1  # the name is remembered


def test_a_pdf_not_laid_out_as_typst_writes_it_is_refused() -> None:
    with pytest.raises(UnsupportedPdf):
        PdfFile.parse(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\nstartxref\n9\n%%EOF")
    with pytest.raises(UnsupportedPdf):
        drawings(b"not a pdf")


def test_forms_are_rendered_directly_when_stamping_is_refused(monkeypatch: pytest.MonkeyPatch, real: Corpus) -> None:
    from generator.render.printables import render_form

    form = real.forms["jiafang-jilu"]

    def refuse(*_args: object, **_kwargs: object) -> bytes:
        raise UnsupportedPdf("test")

    monkeypatch.setattr("generator.render.pdf.update.stamp", refuse)
    assert stamped_forms([form], NAME) == [render_form(form, school_name=NAME)]


def test_stamping_is_deterministic_and_names_do_not_leak_between_schools(real: Corpus) -> None:
    form = real.forms["jiafang-jilu"]
    first = stamped_forms([form], NAME)[0]
    stamped_forms([form], "另一所学校")
    stamp_module._names.clear()
    assert stamped_forms([form], NAME)[0] == first
    blank = blank_for(form)
    assert blank is not None
    other = name_drawings("另一所学校", [blank.slot["width"]])[blank.slot["width"]]
    again = PdfReader(io.BytesIO(stamp(blank.pdf, other, page=1, x=60, top=40, title="x"))).pages[0].extract_text()
    assert "另一所学校" in again and NAME not in again
