"""Validate single files quickly while writing content: ``python -m generator.load.devcheck FILE...``.

It checks each file against its model only; cross-references are checked by ``gongyu check``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import GongyuError
from ..models import ArticleMeta, Course, Form, Lesson, PlanTemplate, School
from . import load_yaml_file, parse_yaml, read_text, split_front_matter, validate


def model_for(path: Path) -> type:
    parts = path.resolve().parts
    if path.suffix == ".md":
        return ArticleMeta
    if "schools" in parts:
        return School
    if "forms" in parts:
        return Form
    if "courses" in parts:
        return Course if path.name == "_course.yml" else Lesson
    return PlanTemplate


def main(argv: list[str]) -> int:
    failed = 0
    for name in argv:
        path = Path(name)
        try:
            if path.suffix == ".md":
                front, _, _ = split_front_matter(read_text(path, name), name)
                validate(ArticleMeta, parse_yaml(front, name, line_offset=1))
            else:
                validate(model_for(path), load_yaml_file(path, name))
        except GongyuError as exc:
            print(exc.format())
            failed += 1
    print(f"{len(argv) - failed} 个文件通过，{failed} 个文件有问题")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
