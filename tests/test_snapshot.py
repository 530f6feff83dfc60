"""The checked plan templates kept on disk (``generator/write/snapshot.py``): a new process reads them back
instead of parsing ``plans/`` again, and gets the same value and the same problems as a fresh read."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from generator import pipeline
from generator.errors import GongyuError
from generator.load.memo import freeze
from generator.write import snapshot

from .conftest import REPO, gongyu


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's user key (the real one lives beside the user's cache folder)."""
    path = tmp_path / "user-cache" / "gongyu-snapshot.key"
    monkeypatch.setattr(snapshot, "key_file", lambda: path)
    return path


class _Trap:
    """Unpickling this creates a file: what a stored value written by someone else could do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.path,))


@pytest.fixture
def plans_root(tmp_path: Path) -> Path:
    root = tmp_path / "templates"
    shutil.copytree(REPO / "plans", root / "plans", ignore=shutil.ignore_patterns("schools"))
    return root


def _stored_file(cache: Path) -> Path:
    files = sorted((cache / "corpus").glob(f"*{snapshot.SUFFIX}"))
    assert len(files) == 1, files
    return files[0]


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the files were read again")

    monkeypatch.setattr(pipeline, "load_corpus", refuse)


def test_a_second_load_reads_the_stored_value_and_it_equals_a_fresh_read(
        plans_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    fresh = pipeline.load_corpus(plans_root, schools=False, templates=True)
    pipeline.load_templates(plans_root, cache=cache)
    _stored_file(cache)
    with monkeypatch.context() as patched:
        _no_reading(patched)
        kept = pipeline.load_templates(plans_root, cache=cache)
    assert kept is not fresh
    for name in ("plans", "forms", "policies", "regulations", "schedule", "kinds", "files", "broken", "templates_only"):
        assert getattr(kept, name) == getattr(fresh, name), name
    assert kept.plans and kept.forms
    assert sorted(kept.sources) == sorted(fresh.sources)
    for item_id, doc in fresh.sources.items():
        back = kept.sources[item_id]
        assert isinstance(back, snapshot.FoldedSourceDoc)
        assert back == doc and doc == back
        # what locates a problem found after loading (resolving a plan for a school) is all there
        assert (back.data, back.marks, back.key_marks, back.text) == (doc.data, doc.marks, doc.key_marks, doc.text)
        assert back.where(("id",)) == doc.where(("id",))
        # a folded document sent on to a worker process stays whole, and counts as frozen
        assert pickle.loads(pickle.dumps(back)) == doc
        assert freeze(back) is back


def test_a_changed_file_is_read_again_and_its_problem_reported_as_before(
        plans_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    pipeline.load_templates(plans_root, cache=cache)
    before = _stored_file(cache).read_bytes()
    plan = sorted((plans_root / "plans").glob("*.yml"))[0]
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("title:", "title_typo:", 1), encoding="utf-8")
    with pytest.raises(GongyuError) as stored_way:
        pipeline.load_templates(plans_root, cache=cache)
    with pytest.raises(GongyuError) as fresh_way:
        pipeline.load_corpus(plans_root, schools=False, templates=True)
    assert stored_way.value.format() == fresh_way.value.format()
    assert plan.name in stored_way.value.format()
    assert _stored_file(cache).read_bytes() == before  # a read with problems is never stored

    plan.write_text(text.replace("title: ", "title: 新", 1), encoding="utf-8")
    changed = pipeline.load_templates(plans_root, cache=cache)
    assert changed.plans[plan.stem].title.startswith("新")
    assert _stored_file(cache).read_bytes() != before


@pytest.mark.parametrize("change", ["new file", "removed form", "other folder", "damaged", "other key"])
def test_anything_else_means_a_fresh_read(plans_root: Path, tmp_path: Path, change: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    first = pipeline.load_templates(plans_root, cache=cache)
    stored = _stored_file(cache)
    form = sorted((plans_root / "plans" / "forms").glob("*.yml"))[0]
    if change == "new file":
        shutil.copy(form, plans_root / "plans" / "forms" / "copy.yml")
    elif change == "removed form":
        form.unlink()
    elif change == "other folder":
        monkeypatch.chdir(tmp_path)  # messages name files relative to the working folder
    elif change == "damaged":
        stored.write_bytes(stored.read_bytes()[:-1000])
    else:
        stored.write_bytes(b"0" * 64 + b"\n" + stored.read_bytes().split(b"\n", 1)[1])
    reads: list[int] = []
    real = pipeline.load_corpus

    def counted(*args: object, **kwargs: object) -> object:
        reads.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_corpus", counted)
    try:
        again = pipeline.load_templates(plans_root, cache=cache)
    except GongyuError as exc:  # the copy repeats an id, a plan names the removed form: reported as before
        assert change in ("new file", "removed form")
        assert ("copy.yml" if change == "new file" else form.stem) in exc.format()
    else:
        assert change not in ("new file", "removed form")
        assert (form.stem in again.forms) == (change != "removed form")
        if change in ("damaged", "other key", "other folder"):
            assert again.plans == first.plans
    assert reads == [1]


def test_school_build_keeps_the_templates_and_makes_the_same_pack(mini_project: Path, tmp_path: Path) -> None:
    from generator.write.outputs import claim_cache

    profile = mini_project / "plans" / "schools" / "demo-school.yml"
    cache = mini_project / ".cache" / "gongyu"

    def build(run: int) -> Path:
        out = tmp_path / f"out{run}"
        done = gongyu("--root", str(mini_project), "school", "build", str(profile), "--no-pdf", "--out", str(out))
        assert done.returncode == 0, done.stderr
        return out

    outs = [build(0)]
    assert not cache.exists()  # no cache folder is made for it (a refused build must leave no trace)
    claim_cache(cache, project=mini_project)  # as a build with PDFs, or `gongyu build`, makes it
    outs.append(build(1))
    stored = _stored_file(cache)
    written = stored.stat().st_mtime_ns
    outs.append(build(2))
    assert _stored_file(cache) == stored and stored.stat().st_mtime_ns == written  # read back, not written again
    files = [sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) for out in outs]
    assert files[0] == files[1] == files[2] and any(name.endswith(".docx") for name in files[0])
    for name in files[0]:
        assert (outs[0] / name).read_bytes() == (outs[2] / name).read_bytes(), name


def test_the_likely_school_years_days_off_are_kept_and_equal_the_holidays_package(
        plans_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.base.clock import school_year_in_progress
    from generator.schoolcal import daysoff

    cache = tmp_path / "cache"
    monkeypatch.setattr(daysoff, "_REMEMBERED", {})
    corpus = pipeline.load_templates(plans_root, cache=cache)
    assert daysoff._REMEMBERED == {}  # a fresh read remembers nothing: the package answers
    pipeline.load_templates(plans_root, cache=cache)
    year = school_year_in_progress()
    wanted = {((first, first + 1), corpus.schedule) for first in (year - 1, year, year + 1)}
    assert set(daysoff._REMEMBERED) == wanted
    for (years, schedule), known in daysoff._REMEMBERED.items():
        assert known == daysoff._official.__wrapped__(years, schedule)
        assert daysoff.official(years, schedule) is known


def test_a_school_build_from_the_kept_templates_does_not_import_the_holidays_package(
        mini_project: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from generator.write.outputs import claim_cache

    claim_cache(mini_project / ".cache" / "gongyu", project=mini_project)
    profile = mini_project / "plans" / "schools" / "demo-school.yml"
    script = ("import sys\nfrom generator.cli.main import main\n"
              "try:\n    main(sys.argv[1:], standalone_mode=False)\n"
              "finally:\n    print('holidays' in sys.modules)\n")
    seen = []
    for run in range(2):
        done = subprocess.run([sys.executable, "-c", script, "--root", str(mini_project), "school", "build",
                               str(profile), "--no-pdf", "--out", str(tmp_path / f"out{run}")],
                              cwd=REPO, capture_output=True, text=True, encoding="utf-8")
        assert done.returncode == 0, done.stderr
        seen.append(done.stdout.strip().splitlines()[-1])
    assert seen == ["True", "False"]


def test_a_stored_value_this_user_did_not_write_is_never_unpickled(
        plans_root: Path, tmp_path: Path, own_key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    pipeline.load_templates(plans_root, cache=cache)
    stored = _stored_file(cache)
    assert own_key.stat().st_mode & 0o777 == 0o600  # the key is this user's only
    key, _mac, _payload = stored.read_bytes().split(b"\n", 2)

    # a project folder copied from another machine or user, .cache/ and all: another key
    monkeypatch.setattr(snapshot, "key_file", lambda: tmp_path / "other-user" / "gongyu-snapshot.key")
    assert snapshot.stored(cache, plans_root.resolve(), key.decode()) is None

    # a value put there by someone else, with the right key line and a made-up or missing MAC
    trap = tmp_path / "unpickled"
    payload = pickle.dumps(_Trap(trap))
    for forged in (key + b"\n" + b"0" * 64 + b"\n" + payload, key + b"\n" + payload):
        stored.write_bytes(forged)
        assert snapshot.stored(cache, plans_root.resolve(), key.decode()) is None
        assert pipeline.load_templates(plans_root, cache=cache).plans  # read again from plans/
        assert not trap.exists()
    # the trap is live: unpickled, it would have made the file
    pickle.loads(payload)
    assert trap.exists()


def test_no_key_no_stored_value(plans_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setattr(snapshot, "key_file", lambda: blocked / "gongyu-snapshot.key")  # cannot be made
    cache = tmp_path / "cache"
    assert pipeline.load_templates(plans_root, cache=cache).plans
    assert not (cache / "corpus").exists()


def test_reading_the_templates_leaves_the_fonts_fingerprint_for_after_fonts(
        plans_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`school build --fonts DIR` sets its fonts after reading the templates: the fingerprint that names the
    cache's PDFs (fonts included, kept for the process) must not be taken before that."""
    from generator.write import cache as cache_module

    cache_module.code_fingerprint.cache_clear()
    try:
        for _ in range(2):  # a fresh read, then the stored one
            pipeline.load_templates(plans_root, cache=tmp_path / "cache")
            assert cache_module.code_fingerprint.cache_info().currsize == 0
        _stored_file(tmp_path / "cache")
    finally:
        cache_module.code_fingerprint.cache_clear()


def test_a_file_saved_while_it_is_read_is_not_kept(plans_root: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved during the read and saved back at once: what was read is not what the key names."""
    cache = tmp_path / "cache"
    plan = sorted((plans_root / "plans").glob("*.yml"))[0]
    original = plan.read_bytes()
    real = pipeline.load_corpus

    def edited_meanwhile(*args: object, **kwargs: object) -> object:
        plan.write_bytes(original.replace(b"title: ", "title: 改过的".encode(), 1))
        try:
            return real(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            plan.write_bytes(original)

    monkeypatch.setattr(pipeline, "load_corpus", edited_meanwhile)
    assert pipeline.load_templates(plans_root, cache=cache).plans[plan.stem].title.startswith("改过的")
    assert not list(cache.glob(f"corpus/*{snapshot.SUFFIX}"))
    monkeypatch.setattr(pipeline, "load_corpus", real)
    assert not pipeline.load_templates(plans_root, cache=cache).plans[plan.stem].title.startswith("改过的")


def test_any_file_the_read_may_open_is_keyed_by_its_bytes(plans_root: Path) -> None:
    """A README.md of the same size and time (cp -p, unzip) changes the key: the citation check reads it."""
    readme = plans_root / "plans" / "README.md"
    readme.write_text("一二三四", encoding="utf-8")
    before = snapshot.snapshot_key(plans_root, "code")
    info = readme.stat()
    readme.write_text("五六七八", encoding="utf-8")
    os.utime(readme, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert readme.stat().st_size == info.st_size
    assert snapshot.snapshot_key(plans_root, "code") != before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_copied_project_cannot_make_the_cache_write_elsewhere_or_wait(plans_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache.mkdir()
    (cache / "corpus").symlink_to(elsewhere)
    assert pipeline.load_templates(plans_root, cache=cache).plans
    assert list(elsewhere.iterdir()) == []  # nothing written through the link

    (cache / "corpus").unlink()
    pipeline.load_templates(plans_root, cache=cache)
    stored = _stored_file(cache)
    stored.unlink()
    os.mkfifo(stored)  # a pipe where the stored read belongs: never opened for reading (it would wait)
    key = snapshot.snapshot_key(plans_root.resolve(), "code")
    assert snapshot.stored(cache, plans_root.resolve(), key) is None


def test_a_key_file_others_can_read_is_replaced(own_key: Path) -> None:
    first = snapshot.user_key()
    assert first is not None and own_key.stat().st_mode & 0o777 == 0o600
    assert snapshot.user_key() == first
    own_key.chmod(0o644)
    second = snapshot.user_key()
    assert second is not None and second != first and own_key.stat().st_mode & 0o777 == 0o600
