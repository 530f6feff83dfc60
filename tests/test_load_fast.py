"""libyaml and the pure-Python loader must give the same data and positions for every file."""

from __future__ import annotations

import pytest

from generator import load

from .conftest import REPO

FILES = sorted(p for folder in ("courses", "plans") for p in (REPO / folder).rglob("*.yml"))


@pytest.mark.skipif(load.compose._FAST_LOADER is None, reason="PyYAML was built without libyaml")
def test_fast_and_pure_loaders_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = {path: load.read_text(path, path.name) for path in FILES}
    fast = {path: load.parse_yaml(text, path.name) for path, text in texts.items()}
    monkeypatch.setattr(load.compose, "_FAST_LOADER", None)
    for path, text in texts.items():
        pure = load.parse_yaml(text, path.name)
        assert (pure.data, pure.marks, pure.key_marks) == (fast[path].data, fast[path].marks, fast[path].key_marks), path


def test_deep_flow_nesting_on_one_line_takes_the_guarded_path() -> None:
    assert load.compose._nesting_bound("a: " + "[" * 60 + "x" + "]" * 60) > load.MAX_DEPTH
    assert load.compose._nesting_bound("a:\n  b:\n    - c\n") < 10
