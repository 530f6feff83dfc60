"""Honest QR codes (issue 21): a printable never carries a code to an address we do not control.

Read back the way a parent's phone would: the PDF is rasterised with poppler's ``pdftoppm`` and
scanned with ZBar's ``zbarimg`` (a reader independent of the zxing-cpp used elsewhere).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.base import urls
from generator.render.printables.lessons import lesson_qr_url

from .conftest import gongyu

REAL = "https://jx.qingshan.edu.cn/"

needs_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext", "zbarimg")),
    reason="需要 poppler-utils 和 zbar-tools（zbarimg）；scripts/setup.sh test 会安装",
)


@pytest.mark.parametrize("url", [
    None, "", "  ", "https://gongyu.example.cn/", "https://example.com/", "https://gongyu.example/",
    "http://localhost:8000/", "http://127.0.0.1:8000/", "http://[::1]:8000/", "https://site.test/",
    "https://a.invalid/", "http://printer.local/", "https://EXAMPLE.ORG./",
])
def test_placeholders_are_recognised(url: str | None) -> None:
    assert urls.is_placeholder(url)
    assert urls.qr_target(url, "k/x/") == ""


@pytest.mark.parametrize("url", [REAL, "https://jxgy.qingshan.gov.cn/gongyu/", "http://192.0.2.10/site/",
                                 "https://examples.edu.cn/", "https://myexample.cn/"])
def test_real_addresses_are_kept(url: str) -> None:
    assert not urls.is_placeholder(url)
    assert urls.qr_target(url, "k/x/") == url.rstrip("/") + "/k/x/"


def test_the_short_form_makes_a_smaller_code() -> None:
    import segno

    from generator.pipeline import load_corpus

    from .conftest import REPO

    def version(url: str) -> int:
        return segno.make(url, error="m").version

    assert lesson_qr_url(REAL, "gz-xinli-weiji") == REAL + "k/gz-xinli-weiji/"
    # never larger than the page's own address, and a version (4 modules a side) smaller where the
    # six characters saved cross a capacity step: 46 bytes need version 4, 40 fit version 3
    for lesson_id in load_corpus(REPO, schools=False).lessons:
        long = urls.absolute(REAL, urls.page_path("lesson", lesson_id))
        assert version(lesson_qr_url(REAL, lesson_id)) <= version(long), lesson_id
    site = "https://jx.qingshan.cn/"
    assert version(lesson_qr_url(site, "gz-xinli-weiji")) == 3
    assert version(urls.absolute(site, urls.page_path("lesson", "gz-xinli-weiji"))) == 4


def _page_png(pdf: Path, tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    prefix = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
                   check=True)
    return prefix.with_suffix(".png")


def _zbar(png: Path) -> tuple[int, list[str]]:
    result = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    return result.returncode, [line for line in result.stdout.splitlines() if line]


@needs_tools
def test_configured_address_decodes_and_placeholder_prints_no_code(mini_project: Path, tmp_path: Path) -> None:
    good = tmp_path / "good"
    result = gongyu("--root", str(mini_project), "print", "demo-lesson", "--out", str(good), "--site-url", REAL)
    assert result.returncode == 0, result.stderr
    assert "site_url" not in result.stderr
    for name in ("handout.pdf", "handout-large.pdf"):
        code, found = _zbar(_page_png(good / name, tmp_path / "g"))
        assert (code, found) == (0, [REAL + "k/demo-lesson/"]), name
        text = subprocess.run(["pdftotext", str(good / name), "-"], capture_output=True, text=True).stdout
        assert "网址未设置" not in text

    for placeholder in ("https://gongyu.example.cn/", "http://localhost:8000/", None):
        bad = tmp_path / f"bad-{abs(hash(placeholder))}"
        args = ["--root", str(mini_project), "print", "demo-lesson", "--out", str(bad)]
        if placeholder:
            args += ["--site-url", placeholder]
        result = gongyu(*args)  # None: the project's own mkdocs.yml, whose site_url is a placeholder
        assert result.returncode == 0, result.stderr
        assert "site_url" in result.stderr and "网址未设置" in result.stderr  # the setting is named
        for name in ("handout.pdf", "handout-large.pdf"):
            code, found = _zbar(_page_png(bad / name, tmp_path / "b"))
            assert found == [] and code == 4, (placeholder, name, found)  # 4: no symbol in the image
            text = subprocess.run(["pdftotext", str(bad / name), "-"], capture_output=True, text=True).stdout
            assert "网址未设置" in text.replace(" ", ""), name


def test_a_placeholder_handed_to_the_handout_itself_prints_no_code() -> None:
    from generator.pipeline import load_corpus
    from generator.render.printables import _prepare, handout_job

    from .conftest import REPO

    corpus = load_corpus(REPO, schools=False)
    lesson = corpus.lessons["aqj-fangqiling"]
    course = corpus.courses[corpus.lesson_course[lesson.id]]
    for url in ("https://gongyu.example.cn/lessons/aqj-fangqiling/", "http://localhost:8000/k/aqj-fangqiling/"):
        data = _prepare(handout_job(lesson, course, url).attempts[0][0])
        assert data["qr"] is None and data["qr_unset"]["title"] == "网址未设置"
