"""Figures the authors chose are marked 学校自定, on the plan page and in the Word and PDF files.

Every target and recurring duty of a bundled plan says where its figure or rhythm comes from
(政策, 来源文件 or 学校自定), so nothing prints as policy by default. The Word file is read back
with a plain zip + XML parse and the PDF with ``pdftotext``, not with our own writer.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from functools import lru_cache
from io import BytesIO

import pytest

from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from generator.render.docx.gbt import render_docx, template_document
from generator.render.pages import PageBuilder
from generator.render.pdf.plan import render_pdf

from .conftest import REPO


@lru_cache(maxsize=1)
def corpus() -> Corpus:
    return load_corpus(REPO)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml))


def test_every_target_and_duty_states_its_basis() -> None:
    missing = [f"{plan.id}:{item.id}" for plan in corpus().plans.values()
               for item in [*plan.targets, *plan.duties] if item.basis is None]
    assert missing == []


def test_source_figures_are_not_presented_as_tolerated_rates() -> None:
    """0.18 % and 1.21 % stay the source's local figures, never printed as national ceilings; the plans
    aim at 常态清零、动态销号 (the retired 动态清零 is refused by ``gongyu check``)."""
    for plan in corpus().plans.values():
        for target in plan.targets:
            if target.value in (0.18, 1.21):
                assert target.basis == "来源文件", target.id
                assert target.note and "本地指标" in target.note, target.id
                assert "常态清零、动态销号" in target.note + "".join(plan.goals), target.id
        text = " ".join([*plan.goals, *plan.outcomes, *plan.requirements])
        assert "指标以内" not in text, plan.id


def test_plan_page_marks_school_defaults() -> None:
    plan = corpus().plans["jiazhang-xuexiao"]
    page = PageBuilder(corpus()).plan_page(plan)
    chosen = next(t for t in plan.targets if t.school_default)
    row = next(line for line in page.splitlines() if chosen.metric in line and "|" in line)
    assert "学校自定" in row
    policy_plan = corpus().plans["kongchuo-baoxue"]
    policy_page = PageBuilder(corpus()).plan_page(policy_plan)
    rule = next(t for t in policy_plan.targets if t.basis == "政策")
    rule_row = next(line for line in policy_page.splitlines() if rule.metric in line and "|" in line)
    assert "学校自定" not in rule_row


def test_word_file_marks_school_defaults_and_only_them() -> None:
    plan = corpus().plans["xinli-weiji"]
    text = _docx_text(render_docx(template_document(plan, corpus())))
    for target in plan.targets:
        described = target.describe()
        assert described in text, described
        after = text.split(described, 1)[1][:12]
        assert after.startswith("（学校自定") == target.school_default, (target.id, after)
    for duty in plan.duties:
        head = text.split(duty.title + "（", 1)[1][:30]
        assert ("频次学校自定" in head.split("负责")[0]) == duty.school_default, duty.id


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils 的 pdftotext")
def test_pdf_marks_school_defaults() -> None:
    plan = corpus().plans["xinli-weiji"]
    pdf = render_pdf(template_document(plan, corpus()))
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    flat = re.sub(r"\s+", "", text)
    chosen = next(t for t in plan.targets if t.school_default)
    assert chosen.describe() + "（学校自定" in flat



def test_plan_documents_carry_no_notes_meant_for_template_editors() -> None:
    """A principal sends the Word file as it comes out: no word about the source plan or its editors."""
    editorial = ("来源方案", "来源文件", "编者", "本模板")
    for plan in corpus().plans.values():
        text = _docx_text(render_docx(template_document(plan, corpus())))
        found = [word for word in editorial if word in text]
        assert not found, (plan.id, found)
    for form in corpus().forms.values():
        words = form.model_dump_json()
        assert not [word for word in ("来源方案", "编者") if word in words], form.id
