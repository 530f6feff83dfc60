"""Validating plain data against the models, with pydantic's errors translated into located Chinese."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import GongyuError, Problem
from .source import _FULLWIDTH_HINTS, PathKey, SourceDoc

M = TypeVar("M", bound=BaseModel)


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (models, lists, dicts), with union tags kept."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        found: list[Any] = []
        for arg in typing.get_args(annotation):
            found.extend(_unwrap(arg))
        return found
    return [annotation]


def _tagged_members(annotation: Any) -> dict[str, Any]:
    from pydantic import Tag

    members: dict[str, Any] = {}
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner = typing.get_args(annotation)[0]
        return _tagged_members(inner)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if typing.get_origin(arg) is typing.Annotated:
                base, *extras = typing.get_args(arg)
                for extra in extras:
                    if isinstance(extra, Tag):
                        members[extra.tag] = base
    return members


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[type[BaseModel] | None, PathKey]:
    """Follow a pydantic error location through the model; return the innermost model and data path."""
    current: Any = model
    data_path: list[Any] = []
    last_model: type[BaseModel] | None = model
    for part in loc:
        tags = _tagged_members(current)
        if isinstance(part, str) and part in tags:
            current = tags[part]
            continue
        options = _unwrap(current)
        stepped = False
        for option in options:
            if isinstance(option, type) and issubclass(option, BaseModel) and isinstance(part, str) \
                    and part in option.model_fields:
                last_model = option
                data_path.append(part)
                current = option.model_fields[part].annotation
                # keep Annotated metadata (tags) reachable
                meta = option.model_fields[part].metadata
                if meta:
                    current = typing.Annotated[(current, *meta)]
                stepped = True
                break
            origin = typing.get_origin(option)
            if origin in (list, tuple, set) and isinstance(part, int):
                data_path.append(part)
                current = typing.get_args(option)[0]
                stepped = True
                break
            if origin is dict and isinstance(part, str):
                data_path.append(part)
                current = typing.get_args(option)[1]
                stepped = True
                break
        if not stepped:
            data_path.append(part)
            last_model = None
            current = Any
    for option in _unwrap(current):
        if isinstance(option, type) and issubclass(option, BaseModel):
            last_model = option
    return last_model, tuple(data_path)


def _describe_type(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是/否（布尔值）"
    if isinstance(value, (int, float)):
        return f"数字 {_short(value)}"
    if isinstance(value, str):
        return f"文字“{_short(value)}”"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, dt.date):
        return f"日期 {value.isoformat()}"
    return type(value).__name__


def _short(value: Any, limit: int = 30) -> str:
    """``value`` as text for a message, cut to ``limit`` characters (a 4000-digit number included)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return f"{str(value)[:limit]}…"  # str() of a huge int is fine below Python's 4300-digit limit
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _fullwidth_hint(value: Any) -> str:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        found = [name for char, name in _FULLWIDTH_HINTS.items() if char in value]
        if found:
            return "值中含有" + "、".join(found) + "：如果本意是 YAML 的分隔符，请改成半角符号"
    return ""


def _suggest(word: str, choices: list[str]) -> str | None:
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return matches[0] if matches else None


def _field_description(model: type[BaseModel] | None, name: str) -> str:
    if model is None or name not in model.model_fields:
        return ""
    return model.model_fields[name].description or ""


def translate_errors(exc: ValidationError, model: type[BaseModel], doc: SourceDoc, base: PathKey = ()) -> list[Problem]:
    """Turn pydantic's errors into located Chinese problems."""
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        ctx = error.get("ctx") or {}
        value = error.get("input")
        parent_model, parent_path = _model_at(model, loc[:-1]) if loc else (model, ())
        inner_model, path = _model_at(model, loc)
        path = base + path
        parent_path = base + parent_path
        name = str(loc[-1]) if loc else ""
        extra_hint = _fullwidth_hint(value)
        if kind == "missing":
            desc = _field_description(parent_model, name)
            problems.append(doc.problem(parent_path, f"缺少必填项“{name}”" + (f"（{desc}）" if desc else ""),
                                        f"请在这一层加上一行“{name}: …”"))
            continue
        if kind == "extra_forbidden":
            choices = sorted(parent_model.model_fields) if parent_model else []
            guess = _suggest(name, choices)
            message = f"未知的键“{name}”"
            if guess:
                message += f"，您是不是想写“{guess}”？"
            hint = ("这一层可用的键有：" + "、".join(choices)) if choices else "请删除这一行"
            problems.append(doc.problem(path, message, hint, key=True))
            continue
        if kind == "literal_error":
            expected = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            parts = re.split(r"\s*[，、；;]\s*", value) if isinstance(value, str) else []
            if len(parts) > 1 and all(part in expected for part in parts):
                # [家长，教师] is one item to YAML: the comma is full-width
                separator = next(char for char in value if char in "，、；;")
                problems.append(doc.problem(path, f"“{_short(value)}”不是可选的值：列表各项之间用了“{separator}”",
                                            f"YAML 列表的各项要用半角逗号分隔，请写成 [{', '.join(parts)}]"))
                continue
            guess = _suggest(str(value), expected) if expected else None
            message = f"“{_short(value)}”不是可选的值"
            if guess:
                message += f"，您是不是想写“{guess}”？"
            hint = "可选的值：" + "、".join(expected) if expected else ""
            if extra_hint:
                hint = f"{hint}；{extra_hint}" if hint else extra_hint
            problems.append(doc.problem(path, message, hint))
            continue
        message, hint = _message_for(kind, error, value, ctx)
        if extra_hint:
            hint = f"{hint}；{extra_hint}" if hint else extra_hint
        problems.append(doc.problem(path, message, hint))
    return problems


def _message_for(kind: str, error: Any, value: Any, ctx: dict[str, Any]) -> tuple[str, str]:
    got = _describe_type(value)
    if kind in ("value_error", "assertion_error"):
        text = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if not re.search(r"[\u4e00-\u9fff]", text):
            # a validator let a Python error through (int("²") …): still say where, and in Chinese
            return f"内容不符合要求（{_short(text, 120)}）", "请对照示例文件检查这个值的写法"
        return text, ""
    if kind in ("date_rule", "form_block"):
        return str(error["msg"]), "参见示例文件或 schemas/ 中的说明"
    if kind in ("string_type",):
        return f"这里应是文字，实际是{got}", "如果内容是数字或日期，请用引号括起来，例如 \"11-16\""
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"这里应是整数，实际是{got}", "只写阿拉伯数字，不要加单位，例如 45"
    if kind in ("float_type", "float_parsing"):
        return f"这里应是数字，实际是{got}", "只写数字，不要加单位或百分号，例如 0.18"
    if kind in ("bool_type", "bool_parsing"):
        return f"这里应填 true 或 false，实际是{got}", ""
    if kind in ("list_type",):
        return f"这里应是列表，实际是{got}", "列表的每一项另起一行，以“- ”开头；或写成 [甲, 乙]（用半角逗号）"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"这里应是键值对，实际是{got}", "请写成下一层缩进的“键: 值”"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"日期写法不对：{got}", "请写成 年-月-日，例如 2026-09-01"
    if kind == "too_short":
        return f"至少需要 {ctx.get('min_length')} 项", "请补足内容"
    if kind == "too_long":
        return f"最多只能有 {ctx.get('max_length')} 项", "请删减内容"
    if kind == "string_too_short":
        return "这里不能为空", "请填写内容"
    if kind == "string_too_long":
        return f"文字太长（最多 {ctx.get('max_length')} 个字符）", "请精简"
    if kind in ("greater_than_equal", "greater_than"):
        return f"数值 {_short(value)} 太小，应不小于 {ctx.get('ge', ctx.get('gt'))}", ""
    if kind in ("less_than_equal", "less_than"):
        return f"数值 {_short(value)} 太大，应不大于 {ctx.get('le', ctx.get('lt'))}", ""
    if kind == "union_tag_invalid" or kind == "union_tag_not_found":
        return "无法识别这一项的写法", "参见示例文件"
    return f"内容不符合要求（{error['msg']}）", ""


def validate(model: type[M], doc: SourceDoc, data: Any = None, base: PathKey = ()) -> M:
    """Validate ``data`` (default: the whole document) against ``model``; raise located problems."""
    payload = doc.data if data is None else data
    if not isinstance(payload, dict):
        raise GongyuError(doc.problem(base, f"这里应是“键: 值”的结构，实际是{_describe_type(payload)}",
                                      "检查第一行是否写成了“键：值”（全角冒号），或缺少冒号后的空格"))
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        try:
            problems = translate_errors(exc, model, doc, base)
        except Exception as inner:  # noqa: BLE001 - a located message beats a traceback
            problems = [doc.problem(base, f"内容不符合要求（{_short(exc, 200)}）",
                                    f"生成这条说明时出错（{type(inner).__name__}），请把这条信息告诉维护人员")]
        raise GongyuError(problems or [doc.problem(base, "内容不符合要求", "请对照示例文件检查")]) from None
    except (ArithmeticError, AttributeError, KeyError, IndexError, LookupError, TypeError, ValueError) as exc:
        # A model's own validator tripped over input it did not expect: still the user's file to fix,
        # so say where it is instead of crashing (and let the maintainers know).
        raise GongyuError(doc.problem(base, "内容的写法无法识别，检查时出错",
                                      "请对照示例文件检查写法；如果确认没有写错，请把这条信息告诉维护人员"
                                      f"（{type(exc).__name__}: {_short(exc, 80)}）")) from None


def repeated(doc: SourceDoc, section: str, keys: list[Any], field: str, say: Callable[[Any], str],
             hint: str) -> list[Problem]:
    """A located problem for each entry of the list ``section`` whose key (``keys[i]``, the value of
    its ``field``) repeats an earlier entry's: ``say(key)`` is the message."""
    seen: set[Any] = set()
    problems = []
    for index, key in enumerate(keys):
        if key in seen:
            problems.append(doc.problem((section, index, field), say(key), hint))
        seen.add(key)
    return problems
