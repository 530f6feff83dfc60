"""gongyu serve pauses Python's garbage collector while a rebuild runs and collects after it (quiet_gc.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from generator.mkdocs_plugin import quiet_gc
from generator.mkdocs_plugin.quiet_gc import QuietCollector


@pytest.fixture(autouse=True)
def collector_left_on() -> Iterator[None]:
    assert gc.isenabled()
    yield
    gc.enable()


def _until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    done = threading.Event()
    for _ in range(2000):
        if condition():
            return
        done.wait(0.005)
    raise AssertionError(what)


def test_paused_during_a_rebuild_collected_after_it() -> None:
    collected: list[str] = []
    gc.callbacks.append(lambda phase, info: collected.append(phase))
    try:
        quiet = QuietCollector(delay=0.01)
        quiet.pause()
        assert not gc.isenabled()
        quiet.resume()
        assert not gc.isenabled()  # not on the rebuild's path: a moment later
        _until(gc.isenabled, "the collector was never switched on again")
        _until(lambda: "stop" in collected, "nothing was collected after the rebuild")
    finally:
        gc.callbacks.pop()


def test_a_rebuild_starting_before_the_collection_keeps_it_paused() -> None:
    quiet = QuietCollector(delay=60)
    quiet.pause()
    quiet.resume()
    quiet.pause()  # the next save came in: its rebuild runs without the collector
    assert not gc.isenabled()
    quiet.close()
    assert gc.isenabled()


def test_a_long_run_of_saves_still_collects(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(quiet_gc.gc, "collect", lambda: calls.append(1) or 0)
    monkeypatch.setattr(quiet_gc, "LONGEST_PAUSE", -1.0)
    quiet = QuietCollector(delay=60)
    quiet.pause()
    quiet.resume()
    quiet.pause()
    assert calls == [1]
    quiet.close()


def test_left_alone_when_someone_else_switched_it_off() -> None:
    gc.disable()
    quiet = QuietCollector(delay=0.01)
    quiet.pause()
    quiet.resume()
    quiet.close()
    assert not gc.isenabled()
    gc.enable()


def test_only_serve_pauses_it_and_leaves_out_tags_json(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A rebuild under serve runs with the collector paused; gongyu build leaves it alone."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.mkdocs_plugin import plugin as plugin_module

    from .conftest import copy_mini_project

    root = copy_mini_project(tmp_path / "p")
    seen: list[bool] = []
    original = plugin_module.GongyuPlugin.on_files

    def recording(self, files, *, config):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return original(self, files, config=config)

    monkeypatch.setattr(plugin_module.GongyuPlugin, "on_files", recording)
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="serve", dirty=True)
    try:
        build(config, dirty=True)
    finally:
        config.plugins.on_shutdown()
    assert gc.isenabled()  # serve ended: switched on again
    assert not (tmp_path / "site" / "tags.json").exists()  # serve leaves out a file no page reads
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "built"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    assert seen == [False, True]
    assert (tmp_path / "built" / "tags.json").is_file()
