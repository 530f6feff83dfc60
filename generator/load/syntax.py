"""What Chinese users get wrong in YAML syntax, found and explained before YAML's own (English) messages."""

from __future__ import annotations

import re

import yaml

from ..errors import Problem
from .source import _FULLWIDTH_HINTS, _YAML_BREAK, _yaml_lines

_KEY = r"[A-Za-z_][A-Za-z0-9_\-]*"
_FULLWIDTH_COLON = re.compile(f"({_KEY})\\s*：")
_NO_SPACE = re.compile(f"({_KEY}):(\\S)")
_BLOCK_START = re.compile(f"{_KEY}:\\s*[|>][+-]?\\s*$")


def _scan_syntax(text: str, shown: str, line_offset: int = 0) -> list[Problem]:
    """Find full-width punctuation and bad indentation where YAML syntax is expected.

    Every line of every file passes here before it is parsed: each pattern is tried only on a line
    holding the character it looks for (a plan has thousands of lines, nearly all of them fine).
    """
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
        lead = line[: len(line) - len(line.lstrip(" \t\u3000"))]
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
        key_match = _FULLWIDTH_COLON.match(body) if "：" in body else None
        if key_match and ":" not in body[: key_match.end()]:
            column = offset + body.index("：") + 1
            problems.append(Problem(shown, number, column,
                                    f"键“{key_match.group(1)}”后面用了全角冒号“：”",
                                    f"YAML 的键和值之间要用半角冒号加一个空格，请改成“{key_match.group(1)}: ”"))
            continue
        if ":" not in body:
            continue
        colon = _NO_SPACE.match(body)
        if colon and not body.startswith(("http:", "https:")):
            problems.append(Problem(shown, number, offset + colon.end(1) + 1,
                                    f"键“{colon.group(1)}”的冒号后面缺少空格",
                                    f"请改成“{colon.group(1)}: {body[colon.end(1) + 1:colon.end(1) + 6]}…”"))
            continue
        if ("|" in body or ">" in body) and _BLOCK_START.match(body):
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


#: A value that starts with ``{{`` without quotes (``- {{时间:x}}……`` or ``note: {{数值:x}}……``).
_UNQUOTED_PLACEHOLDER = re.compile(r"(?:^\s*-\s+|:\s+)(\{\{)")


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
    brace = _UNQUOTED_PLACEHOLDER.search(source_line)
    if brace:  # a plan sentence starting with a placeholder: YAML reads "{" as the start of a mapping
        message = "以“{{”开头的文字要用引号括起来"
        hint = "YAML 把开头的“{”当作键值对；请把整句用半角单引号括起来，例如 - '{{时间:编号}}更新台账。'"
        column = brace.start(1) + 1
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


