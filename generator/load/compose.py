"""Composing YAML into plain data with positions: limits against bombs, tags refused, front matter."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import GongyuError, Problem
from .source import MAX_DEPTH, MAX_NODES, PathKey, SourceDoc, _yaml_lines, read_text
from .syntax import _explain_reader_error, _explain_yaml_error, _scan_syntax

_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_FOLD = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")

#: Tags a value may carry; anything else (``!!python/object``, ``!!binary``, ``!foo`` …) is refused.
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
#: Implicitly resolved tags with no safe constructor: ``=`` and ``<<`` as values are just text.
_TEXT_TAGS = {"tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"}
_STR_TAG = "tag:yaml.org,2002:str"
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _LimitError(yaml.MarkedYAMLError):
    """Raised while composing when a file is nested too deeply or has too many nodes."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, composing with limits on depth and node count."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _LimitError(problem=f"文件结构过于庞大（超过 {MAX_NODES} 个节点）",
                              problem_mark=self.peek_event().start_mark)
        if self._depth >= MAX_DEPTH:
            raise _LimitError(problem=f"嵌套层级过深（超过 {MAX_DEPTH} 层）",
                              problem_mark=self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_problem(node: yaml.Node, reason: str) -> tuple[str, str]:
    """Message and hint for a scalar PyYAML cannot turn into a value."""
    value = str(node.value)
    shown = value if len(value) <= 30 else value[:30] + "…"
    if node.tag == "tag:yaml.org,2002:timestamp":
        if "day is out of range" in reason:
            detail = "这个月没有这一天"
        elif "month must be" in reason:
            detail = "月份应在 1 到 12 之间"
        else:
            detail = "日期或时间超出了范围"
        return f"日期“{shown}”不存在：{detail}", "请写成 年-月-日，例如 2026-09-01；如果本意是文字，请用引号括起来"
    if "digits" in reason:
        return f"数字“{shown}”太长", "请检查是否多打了数字；如果本意是文字，请用引号括起来"
    kind = {"int": "整数", "float": "数字", "bool": "是/否", "null": "空值"}.get(node.tag.rsplit(":", 1)[-1], "指定类型的值")
    return f"无法把“{shown}”读成{kind}", "请删除值前面的“!!…”标签，或用引号把值括起来"


class _Builder:
    """Turns a composed YAML node tree into plain data and a position map."""

    def __init__(self, doc: SourceDoc) -> None:
        self.doc = doc
        self.constructor = yaml.SafeLoader("")
        self.seen: set[int] = set()
        self.count = 0
        self.problems: list[Problem] = []

    def _at(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.doc.line_offset, node.start_mark.column + 1

    def _scalar(self, node: yaml.Node) -> Any:
        """The value of a scalar node, or ``None`` after recording why it cannot be read."""
        if node.tag == _STR_TAG:  # nine scalars in ten: what PyYAML's constructor would return, without its detour
            return node.value
        if node.tag in _TEXT_TAGS:
            return str(node.value)
        if node.tag not in _PLAIN_TAGS:
            line, col = self._at(node)
            self.problems.append(Problem(self.doc.path, line, col, f"不支持 YAML 标签“{_tag_name(node.tag)}”",
                                         "请删除“!”开头的标签；如果本意是文字，请用引号把整个值括起来"))
            return None
        try:
            return self.constructor.construct_object(node)
        except Exception as exc:  # noqa: BLE001 - PyYAML's constructors raise ValueError, IndexError … on odd scalars
            line, col = self._at(node)
            message, hint = _construct_problem(node, str(exc))
            self.problems.append(Problem(self.doc.path, line, col, message, hint))
            return None

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise GongyuError(self.doc.problem(path, f"文件结构过于庞大（超过 {MAX_NODES} 个节点）",
                                               "请把内容拆成多个文件"))
        if id(node) in self.seen:
            raise GongyuError(self.doc.problem(path, "不支持 YAML 的锚点和别名（& 与 *）",
                                               "请把被引用的内容直接写出来"))
        self.seen.add(id(node))
        self.doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _COLLECTION_TAGS:
            line, col = self._at(node)
            self.problems.append(Problem(self.doc.path, line, col, f"不支持 YAML 标签“{_tag_name(node.tag)}”",
                                         "请删除“!”开头的标签，直接写出列表或“键: 值”"))
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise GongyuError(self.doc.problem(path, "不支持 YAML 的合并键“<<”", "请把内容直接写出来"))
                key = None
                if isinstance(key_node, yaml.ScalarNode):
                    errors_before = len(self.problems)
                    key = self._scalar(key_node)
                    if len(self.problems) > errors_before:
                        continue
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    line, col = self._at(key_node)
                    self.problems.append(Problem(self.doc.path, line, col, "键必须是文字", "请检查这一行的写法"))
                    continue
                key = str(key)
                child = (*path, key)
                key_pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in result:
                    first = self.doc.key_marks[child]
                    self.problems.append(Problem(self.doc.path, key_pos[0] + self.doc.line_offset, key_pos[1],
                                                 f"键“{key}”重复出现（第一次在第 {first[0] + self.doc.line_offset} 行）",
                                                 "同一层级的键只能出现一次；请删除或合并其中一个"))
                    continue
                self.doc.key_marks[child] = key_pos
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        value = self._scalar(node)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str) and isinstance(node, yaml.ScalarNode) and node.style in (">", None, "") \
                and node.start_mark.line != node.end_mark.line:
            # YAML folds line breaks into spaces, which is right for English and wrong for Chinese.
            value = _CJK_FOLD.sub("", value)
        return value


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
_BRACKETS = re.compile(r"[\[\]{}]")


def _nesting_bound(text: str) -> int:
    """An upper bound on how deeply ``text`` can nest (indentation, compact "- ", open brackets)."""
    deepest_line = 0
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        deepest_line = max(deepest_line, len(line) - len(stripped) + stripped.count("- ") + 1)
    balance = deepest_balance = 0
    for bracket in _BRACKETS.findall(text):
        balance += 1 if bracket in "[{" else -1
        deepest_balance = max(deepest_balance, balance)
    return deepest_line + deepest_balance + 1


def _compose_fast(text: str) -> yaml.Node | None:
    """Compose with libyaml (about ten times faster) when the text cannot nest past the limit.

    Anything libyaml rejects, and anything that might nest too deeply for its recursion, returns
    None: the pure-Python loader then composes it again and explains the problem in Chinese.
    """
    if _FAST_LOADER is None or _nesting_bound(text) > MAX_DEPTH:
        return None
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except Exception:  # noqa: BLE001 - the slow path reports it properly
        return None


def parse_yaml(text: str, shown: str, *, line_offset: int = 0, what: str = "文件") -> SourceDoc:
    """Parse YAML text into a :class:`SourceDoc`, raising :class:`GongyuError` with located problems.

    ``what`` names the text in messages about it being empty (a file, or an article's front matter).
    """
    problems = _scan_syntax(text, shown, line_offset)
    if problems:
        raise GongyuError(problems)
    loader: _Loader | None = None
    node = _compose_fast(text)
    try:
        if node is None:
            loader = _Loader(text)  # checks for control characters right away
            node = loader.get_single_node()
    except _LimitError as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1 + line_offset, mark.column + 1) if mark is not None else (0, 0)
        raise GongyuError(Problem(shown, line, column, str(exc.problem),
                                  "请检查括号“[ ]”“{ }”是否成对；内容确实很多时，请拆成多个文件")) from None
    except yaml.reader.ReaderError as exc:
        raise GongyuError(_explain_reader_error(exc, text, shown, line_offset)) from None
    except yaml.MarkedYAMLError as exc:
        raise GongyuError(_explain_yaml_error(exc, text, shown, line_offset)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked or reader errors for text
        raise GongyuError(Problem(shown, 1 + line_offset, 1, f"YAML 格式错误：{exc}")) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting long before this
        raise GongyuError(Problem(shown, 1 + line_offset, 1, f"嵌套层级过深（超过 {MAX_DEPTH} 层）")) from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = SourceDoc(shown, None, line_offset=line_offset, text=text)
    if node is None:
        lines = [line.strip() for line in _yaml_lines(text)]
        if any(line.startswith("#") for line in lines):
            raise GongyuError(Problem(shown, 1 + line_offset, 1, f"{what}中只有注释，没有内容",
                                      "请参照示例文件填写内容（以“#”开头的行是注释，会被忽略）"))
        raise GongyuError(Problem(shown, 1 + line_offset, 1, f"{what}是空的", "请参照示例文件填写内容"))
    builder = _Builder(doc)
    doc.data = builder.build(node, ())
    if builder.problems:
        raise GongyuError(builder.problems)
    return doc


def load_yaml_file(path: Path, shown: str) -> SourceDoc:
    """Read and parse one YAML file."""
    return parse_yaml(read_text(path, shown), shown)


def split_front_matter(text: str, shown: str) -> tuple[str, str, int]:
    """Split a Markdown file into (front matter, body, line where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise GongyuError(Problem(shown, 1, 1, "文章开头缺少元数据块（front matter）",
                                  "文件第一行应为“---”，接着写 id、title 等，再以一行“---”结束"))
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    raise GongyuError(Problem(shown, 1, 1, "元数据块（front matter）没有结束",
                              "请在元数据后面加一行“---”，把它与正文分开"))


def load_front_matter(path: Path, shown: str) -> tuple[SourceDoc, str, int]:
    """Read a Markdown file: its parsed front matter, its body and the line where the body starts."""
    return parse_front_matter(read_text(path, shown), shown)


def parse_front_matter(text: str, shown: str) -> tuple[SourceDoc, str, int]:
    """A Markdown text's parsed front matter, its body and the line where the body starts."""
    front, body, body_line = split_front_matter(text, shown)
    return parse_yaml(front, shown, line_offset=1, what="元数据块（front matter）"), body, body_line


