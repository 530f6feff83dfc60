"""Reading YAML and front matter into models, keeping the line and column of every value.

Files from schools are typed in Notepad or WPS, so this module catches what Chinese users really
get wrong before YAML's own messages (which are in English and point at the wrong place) can:
full-width punctuation in YAML syntax, tabs and full-width spaces in indentation, GBK and UTF-16
files, a UTF-8 BOM (accepted), control characters pasted from WeChat or Word, duplicate keys,
aliases (refused: they enable "billion laughs" bombs), tags (``!!python/object`` …), impossible
dates, and files too large, too deep or too big to be a plan. Pydantic errors are translated into
Chinese and located.

Whatever the input, the only exception that leaves this module is :class:`GongyuError`
(``tests/test_properties.py`` holds it to that).
"""

from __future__ import annotations

from .compose import load_front_matter, load_yaml_file, parse_yaml, split_front_matter
from .source import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, PathKey, SourceDoc, read_text
from .validation import repeated, translate_errors, validate

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "PathKey",
    "SourceDoc",
    "load_front_matter",
    "load_yaml_file",
    "parse_yaml",
    "read_text",
    "repeated",
    "split_front_matter",
    "translate_errors",
    "validate",
]
