"""A pack's documents rendered on several threads (``packs.pack.pack_files(threads=)``), the Typst
engine's pool of compilers, and the warm-up a one-school build starts: faster, never different."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator import pipeline
from generator.base.clock import BuildDate, building
from generator.cli.commands import school_cmd
from generator.cli.main import main
from generator.load.corpus import Corpus
from generator.packs import batch
from generator.packs.pack import pack_files
from generator.render.pdf.plan import render_pdf
from generator.render.pdf.typst_engine import get_engine

from .conftest import REPO
from .helpers import make_project

#: 2026-09-01 00:00 UTC: a date no test leaves in the environment, so a thread that lost it shows.
EPOCH = 1788220800


@pytest.fixture(scope="module")
def templates() -> Corpus:
    return pipeline.load_templates(REPO, cache=None)


def _resolved(templates: Corpus, name: str = "hexi-zhongxue.yml") -> Any:
    school = pipeline.load_school(REPO / "plans" / "schools" / name, templates)
    return pipeline.resolve_school(templates, school)


def test_threads_change_no_byte_nor_the_order_of_the_files(templates: Corpus) -> None:
    resolved = _resolved(templates)
    with building(BuildDate(EPOCH)):
        one = pack_files(resolved, templates, threads=1).files
        three = pack_files(resolved, templates, threads=3).files
    assert list(one) == list(three)
    assert sum(name.endswith(".pdf") for name in one) >= 8  # plans, 行事历 and forms
    for name in one:
        assert one[name] == three[name], name
    # the build date travels to every thread (it lives in a context variable)
    with zipfile.ZipFile(BytesIO(three["xingshili.docx"])) as docx:
        assert "2026-09-01T00:00:00Z" in docx.read("docProps/core.xml").decode()


def test_a_failure_on_a_thread_is_raised_to_the_caller(templates: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.render.xingshili as xingshili

    def broken(sheet: object) -> bytes:
        raise RuntimeError("坏了")

    monkeypatch.setattr(xingshili, "xingshili_pdf", broken)
    with pytest.raises(RuntimeError, match="坏了"):
        pack_files(_resolved(templates), templates, threads=2)


def test_the_engine_compiles_on_several_threads_at_once(templates: Corpus) -> None:
    documents = list(_resolved(templates).documents)[:4]
    alone = [render_pdf(document) for document in documents]
    together: list[bytes | BaseException] = [b""] * len(documents)
    start = threading.Barrier(len(documents))

    def compile_one(index: int) -> None:
        start.wait()
        try:
            together[index] = render_pdf(documents[index])
        except BaseException as exc:  # noqa: BLE001 - shown by the assertion below
            together[index] = exc

    threads = [threading.Thread(target=compile_one, args=(i,)) for i in range(len(documents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert together == alone  # one compiler each: typst-py refuses a second use of a busy one


def test_a_compiler_that_broke_is_not_used_again(templates: Corpus) -> None:
    """A failure inside Typst that is not a document error (a panic) drops that compiler from the pool."""
    document = _resolved(templates).documents[0]
    engine = get_engine()

    class Broken:
        def compile(self, **kwargs: object) -> bytes:
            raise RuntimeError("排版引擎内部出错")

    broken = Broken()
    engine._idle.setdefault("gbt_plan", []).append(broken)
    with pytest.raises(RuntimeError):
        render_pdf(document)
    assert broken not in engine._idle["gbt_plan"]
    assert render_pdf(document).startswith(b"%PDF")  # the next one gets a working compiler


WARM = """
import hashlib, sys
from pathlib import Path
from generator import pipeline
from generator.render.pdf.plan import render_pdf, warm_up
root = Path(sys.argv[1])
corpus = pipeline.load_templates(root, cache=None)
school = pipeline.load_school(root / "plans" / "schools" / "hexi-zhongxue.yml", corpus)
if sys.argv[2] == "warm":
    warm_up()
for document in pipeline.resolve_school(corpus, school).documents[:2]:
    print(hashlib.sha256(render_pdf(document)).hexdigest())
"""


def test_warming_up_changes_no_byte_of_a_plan(tmp_path: Path) -> None:
    """In new processes: one renders two plans cold, the other after the warm-up sample."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    outputs = [subprocess.run([sys.executable, "-c", WARM, str(REPO), mode], env=env, cwd=tmp_path, check=True,
                              capture_output=True, text=True).stdout.split() for mode in ("cold", "warm")]
    assert len(outputs[0]) == 2 and outputs[0] == outputs[1]


def test_the_warm_up_compiles_a_plan_and_gives_the_compiler_back() -> None:
    engine = get_engine()
    before = engine.compiles
    pipeline.warm_up_pdf()()
    assert engine.compiles == before + 1
    pipeline.warm_up_pdf()()  # the compiler went back to the pool: a second warm-up is served by it
    assert engine.compiles == before + 2


def test_one_school_gets_the_spare_cores(tmp_path: Path, templates: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def fake_build_pack(*args: Any, threads: int = 1, **kwargs: Any) -> Path:
        seen.append(threads)
        folder = tmp_path / "out" / "hexi-zhongxue"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    monkeypatch.setattr(batch, "build_pack", fake_build_pack)
    profile = REPO / "plans" / "schools" / "hexi-zhongxue.yml"
    for jobs in (3, 1):
        batch.build_packs([profile], templates, tmp_path / "out", jobs=jobs, progress=False)
    assert seen == [3, 1]


def test_the_decision_to_warm_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "project")
    calls: list[tuple[Path, ...]] = []

    def recorded(inputs: tuple[Path, ...], fonts: tuple[Path, ...]) -> None:
        calls.append(inputs)

    monkeypatch.setattr(school_cmd, "_warm_up", recorded)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    profile = str(root / "plans/schools/test-school.yml")
    out = str(tmp_path / "out")
    bad_year = CliRunner().invoke(main, ["--root", str(root), "school", "build", profile, "--out", out, "--year", "2027"])
    assert bad_year.exit_code == 1 and calls == []  # refused before anything starts
    for extra in (["--jobs", "1"], ["--no-pdf"], []):
        result = CliRunner().invoke(main, ["--root", str(root), "school", "build", profile, "--out", out, *extra])
        assert result.exit_code == 0, result.output
    assert calls == [(Path(profile),)]  # only the last: one core asked for, or no PDF, needs no warm-up
    folder = school_cmd._warm_up((root / "plans/schools",), ())
    sheet = school_cmd._warm_up((tmp_path / "学校名单.xlsx",), ())
    assert folder is None and sheet is None
