"""JSON Schemas for editors (``gongyu schema``): completion and checks while typing YAML."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from ..load.policies import PolicyFile
from ..load.regulations import RegulationFile
from ..load.schedule import ScheduleFile
from ..models import ArticleMeta, Course, Form, Lesson, PlanTemplate, School

SCHEMAS: dict[str, type[BaseModel]] = {
    "article": ArticleMeta,
    "course": Course,
    "lesson": Lesson,
    "plan": PlanTemplate,
    "form": Form,
    "school": School,
    "regulations": RegulationFile,
    "policies": PolicyFile,
    "holidays": ScheduleFile,
}


def schema_text(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(out: Path) -> list[Path]:
    """Write one ``<kind>.schema.json`` per document kind; return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in sorted(SCHEMAS.items()):
        path = out / f"{name}.schema.json"
        text = schema_text(model)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
