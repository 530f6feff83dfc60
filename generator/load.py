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

import datetime as dt
import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import GongyuError, Problem

#: Larger files are refused before parsing: the longest plan is about 20 KB, and PyYAML (pure
#: Python, so that every node keeps its position) needs seconds for a file near this size.
MAX_FILE_BYTES = 512 * 1024
#: Upper bound on YAML nodes per file (the largest plan has about 500), checked while composing so
#: that a pathological file is stopped early instead of being parsed to the end.
MAX_NODES = 10_000
#: Upper bound on nesting (the deepest plan nests 7 levels); PyYAML composes recursively.
MAX_DEPTH = 40

PathKey = tuple[Any, ...]
M = TypeVar("M", bound=BaseModel)

_FULLWIDTH_HINTS = {
    "：": "全角冒号“：”",
    "，": "全角逗号“，”",
    "“": "中文引号“",
    "”": "中文引号”",
    "\u3000": "全角空格",
    "－": "全角减号“－”",
    "【": "中文方括号“【”",
    "】": "中文方括号“】”",
}

#: The line breaks YAML itself counts (``str.splitlines`` also splits on \x0b, \x0c, \x1c …).
_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def _yaml_lines(text: str) -> list[str]:
    """``text`` split into lines exactly where PyYAML counts a new line."""
    lines = _YAML_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@dataclass
class SourceDoc:
    """A parsed YAML document: plain data plus the position of every key and value."""

    path: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    line_offset: int = 0

    def where(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path`` (or of its key), or its nearest parent."""
        path = tuple(path)
        while True:
            table = self.key_marks if key and path in self.key_marks else self.marks
            if path in table:
                line, col = table[path]
                return line + self.line_offset, col
            if not path:
                return 1 + self.line_offset, 1
            path = path[:-1]

    def problem(self, path: PathKey, message: str, hint: str = "", *, key: bool = False) -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.path, line, col, message, hint)


_SAVE_AS_UTF8 = "请用记事本打开文件，选“另存为”，在“编码”中选“UTF-8”后保存；WPS 中选“文本文件（UTF-8）”"
_TOO_LARGE_HINT = "一个文件只放一份方案、一个课时或一篇文章；请检查是否误粘贴了大量内容"


def _too_large(shown: str, size: int) -> GongyuError:
    return GongyuError(Problem(shown, 1, 1, f"文件太大（{size // 1024} KB），超过了 {MAX_FILE_BYTES // 1024} KB 的上限",
                               _TOO_LARGE_HINT))


def read_text(path: Path, shown: str) -> str:
    """Read a file as UTF-8 (a BOM is accepted); say clearly when it is GBK, UTF-16 or too large."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_large(shown, size)
        with path.open("rb") as handle:
            # never more than the cap, even when the file grows between stat() and read()
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = "这是一个文件夹，不是文件" if path.is_dir() else (exc.strerror or type(exc).__name__)
        raise GongyuError(Problem(shown, 0, 0, f"无法读取文件：{reason}",
                                  "请检查文件是否存在、是否有读取权限，或是否正被其他程序占用")) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(shown, len(raw))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GongyuError(Problem(shown, 1, 1, "文件是 UTF-16 编码（记事本中的“Unicode”），本工具只读 UTF-8", _SAVE_AS_UTF8))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        index = raw.index(b"\x00")
        line = raw[:index].count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n", 0, index) + 1:index].decode("utf-8", "replace")) + 1
        raise GongyuError(
            Problem(shown, line, column, "文件中含有空字符（NUL），看起来不是文本文件，或是以 UTF-16 保存的",
                    "请用记事本或 VS Code 打开，另存为“UTF-8”编码")
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            message = "文件不是 UTF-8 编码，无法读取"
        else:
            message = "文件是 GBK/GB18030 编码（Windows 记事本或 WPS 的“ANSI”），本工具只读 UTF-8"
        raise GongyuError(Problem(shown, line, column, message, _SAVE_AS_UTF8)) from None


def _scan_syntax(text: str, shown: str, line_offset: int = 0) -> list[Problem]:
    """Find full-width punctuation and bad indentation where YAML syntax is expected."""
    problems: list[Problem] = []
    in_block = False
    block_indent = 0
    for number, line in enumerate(_yaml_lines(text), start=1 + line_offset):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if in_block:
            if stripped and indent <= block_indent:
                in_block = False
            else:
                continue
        lead = re.match(r"^[ \t\u3000]*", line).group(0)  # type: ignore[union-attr]
        if "\t" in lead:
            problems.append(Problem(shown, number, lead.index("\t") + 1, "缩进中使用了制表符（Tab）",
                                    "YAML 只能用空格缩进；请把 Tab 换成两个空格"))
            continue
        if "\u3000" in lead:
            problems.append(Problem(shown, number, lead.index("\u3000") + 1, "缩进中使用了全角空格",
                                    "请把全角空格换成半角空格（关闭输入法的全角模式）"))
            continue
        if not stripped or stripped.startswith("#"):
            continue
        body = stripped[2:] if stripped.startswith("- ") else stripped
        offset = indent + (2 if stripped.startswith("- ") else 0)
        key_match = re.match(r"^([A-Za-z_][A-Za-z0-9_\-]*)\s*：", body)
        if key_match and ":" not in body[: key_match.end()]:
            column = offset + body.index("：") + 1
            problems.append(Problem(shown, number, column,
                                    f"键“{key_match.group(1)}”后面用了全角冒号“：”",
                                    f"YAML 的键和值之间要用半角冒号加一个空格，请改成“{key_match.group(1)}: ”"))
            continue
        colon = re.match(r"^([A-Za-z_][A-Za-z0-9_\-]*):(\S)", body)
        if colon and not body.startswith(("http:", "https:")):
            problems.append(Problem(shown, number, offset + colon.end(1) + 1,
                                    f"键“{colon.group(1)}”的冒号后面缺少空格",
                                    f"请改成“{colon.group(1)}: {body[colon.end(1) + 1:colon.end(1) + 6]}…”"))
            continue
        if re.match(r"^[A-Za-z_][A-Za-z0-9_\-]*:\s*[|>][+-]?\s*$", body):
            in_block = True
            block_indent = indent
    return problems


_QUOTE_HINT = "检查这一段的引号是否成对，且都是半角引号 \" 或 '"
#: PyYAML's problem texts (by a distinctive fragment) → our message and hint. First match wins.
_YAML_MESSAGES: tuple[tuple[str, str, str], ...] = (
    ("found character '\\t'", "这里出现了制表符（Tab）",
     "YAML 只能用空格缩进，冒号和“- ”后面也只能用空格；请把 Tab 换成空格"),
    ("could not find expected ':'", "这一行的格式不对：应写成“键: 值”",
     "检查冒号是否是半角“:”且后面有一个空格；缩进是否与上一行对齐"),
    ("mapping values are not allowed", "这一行的格式不对：应写成“键: 值”",
     "检查冒号是否是半角“:”且后面有一个空格；缩进是否与上一行对齐；值里有“: ”时请用引号把整个值括起来"),
    ("found undefined alias", "这里有无法识别的“*”或复杂键", "“*”开头的值请用引号括起来，例如 \"*重要\""),
    ("found unhashable key", "这里有无法识别的“*”或复杂键", "“*”开头的值请用引号括起来，例如 \"*重要\""),
    ("expected alphabetic or numeric character", "“*”或“&”后面跟着的不是英文字母或数字",
     "在 YAML 中“*”和“&”开头表示引用；作为文字时请用引号把整个值括起来，例如 \"*重要\""),
    ("found duplicate anchor", "锚点“&”的名字重复了", "本工具不支持锚点和别名，请把内容直接写出来"),
    ("another document", "文件中有多份 YAML 文档（出现了第二个“---”）",
     "一个文件只放一份内容；请删除多余的“---”，或把后一份内容移到新文件中"),
    ("single document", "文件中有多份 YAML 文档（出现了第二个“---”）",
     "一个文件只放一份内容；请删除多余的“---”，或把后一份内容移到新文件中"),
    ("expected '<document start>'", "文件中有多余的内容（在“...”或“---”之后）", "请删除这一行附近多余的“---”或“...”"),
    ("unknown escape character", "双引号里的反斜杠“\\”被当成了转义符",
     "双引号中的“\\”有特殊含义；请改用单引号把值括起来，或写成“\\\\”"),
    ("hexadecimal numbers", "双引号里的反斜杠“\\”被当成了转义符",
     "双引号中的“\\”有特殊含义；请改用单引号把值括起来，或写成“\\\\”"),
    ("that cannot start any token", "这个符号不能出现在值的开头",
     "“@”“`”“%”开头的值请用引号括起来，例如 \"@家长\""),
    ("expected ',' or ']'", "方括号“[ ]”没有闭合，或列表项之间没有用半角逗号分隔",
     "请检查“[”是否有对应的“]”，各项之间用半角逗号“,”分隔；值里有“: ”时请用引号括起来"),
    ("expected ',' or '}'", "花括号“{ }”没有闭合，或各项之间没有用半角逗号分隔",
     "请检查“{”是否有对应的“}”，各项之间用半角逗号“,”分隔"),
    ("expected chomping or indentation indicators", "“|”或“>”后面不能直接写内容",
     "“|”和“>”表示多行文字，内容要从下一行开始并缩进；或者删掉“|”“>”"),
    ("block scalar", "“|”或“>”后面不能直接写内容", "“|”和“>”表示多行文字，内容要从下一行开始并缩进"),
    ("undefined tag handle", "不认识的 YAML 标签（以“!”开头）", "“!”开头的值请用引号括起来"),
    ("directive", "不支持 YAML 指令（以“%”开头的行）", "请删除以“%”开头的行；作为文字时请用引号括起来"),
    ("expected the node content", "这里缺少内容", "检查这一行是否多写或少写了“-”“:”“&”“*”“!”之类的符号"),
    ("expected <block end>", "缩进不一致", "同一层的键要对齐，列表项“- ”也要对齐；请检查这一行与上一行的空格数"),
    ("expected <block", "缩进不一致", "同一层的键要对齐，列表项“- ”也要对齐；请检查这一行与上一行的空格数"),
    ("did not find expected", "缩进不一致", "同一层的键要对齐，列表项“- ”也要对齐；请检查这一行与上一行的空格数"),
)


def _explain_yaml_error(exc: yaml.MarkedYAMLError, text: str, shown: str, line_offset: int) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    context = str(exc.context or "")
    problem = str(exc.problem or "")
    message = hint = ""
    if "quoted scalar" in context and ("end of stream" in problem or "document separator" in problem):
        # point at the opening quote: the end of the file says nothing about where the quote is missing
        message, hint = "引号没有闭合", _QUOTE_HINT
        mark = exc.context_mark or mark
    elif "end of stream" in problem:
        message, hint = "引号没有闭合", _QUOTE_HINT
    else:
        for fragment, found_message, found_hint in _YAML_MESSAGES:
            if fragment in problem or (not problem and fragment in context):
                message, hint = found_message, found_hint
                break
    if not message:
        message = f"YAML 格式错误（{problem or context or '无法解析'}）"
        hint = "请对照示例文件检查这一行附近的缩进、冒号和引号"
    line = (mark.line + 1) if mark else 1
    column = (mark.column + 1) if mark else 1
    lines = _yaml_lines(text)
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "unknown escape character" in problem and source_line[column - 2:column - 1] == "\\":
        column -= 1  # PyYAML points after the backslash; the backslash is what to fix
    # full-width punctuation after the error cannot have caused it (Chinese text is full of "，")
    found = [name for char, name in _FULLWIDTH_HINTS.items() if char in source_line[:column]]
    if found:
        hint += "；这一行含有" + "、".join(found) + "，在 YAML 语法位置上必须用半角符号"
    return Problem(shown, line + line_offset, column, message, hint)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` in ``text``, counted as YAML counts lines."""
    before = text[:index]
    breaks = list(_YAML_BREAK.finditer(before))
    if not breaks:
        return 1, index + 1
    return len(breaks) + 1, index - breaks[-1].end() + 1


def _explain_reader_error(exc: yaml.reader.ReaderError, text: str, shown: str, line_offset: int) -> Problem:
    line, column = _position(text, max(exc.position, 0))
    char = exc.character
    code = f"U+{char:04X}" if isinstance(char, int) else repr(char)
    return Problem(shown, line + line_offset, column, f"文件中含有不可见的控制字符（{code}）",
                   "这通常是从网页、Word 或微信中复制时带进来的；请删除这个位置的字符后重新输入")


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_FOLD = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")

#: Tags a value may carry; anything else (``!!python/object``, ``!!binary``, ``!foo`` …) is refused.
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
#: Implicitly resolved tags with no safe constructor: ``=`` and ``<<`` as values are just text.
_TEXT_TAGS = {"tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"}
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
        if isinstance(value, str) and node.style in (">", None, "") and node.start_mark.line != node.end_mark.line:
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
        raise GongyuError(Problem(shown, mark.line + 1 + line_offset, mark.column + 1, str(exc.problem),
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
    doc = SourceDoc(shown, None, line_offset=line_offset)
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
    front, body, body_line = split_front_matter(read_text(path, shown), shown)
    return parse_yaml(front, shown, line_offset=1, what="元数据块（front matter）"), body, body_line


# --- validation -------------------------------------------------------------------------------

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
            if isinstance(option, type) and issubclass(option, BaseModel):
                if isinstance(part, str) and part in option.model_fields:
                    last_model = option
                    data_path.append(part)
                    current = option.model_fields[part].annotation
                    # keep Annotated metadata (tags) reachable
                    meta = option.model_fields[part].metadata
                    if meta:
                        current = typing.Annotated[(current, *meta)]  # type: ignore[misc]
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
