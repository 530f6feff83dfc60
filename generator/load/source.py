"""Source files as text and as parsed documents that remember where every value was."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GongyuError, Problem

#: Larger files are refused before parsing: the longest plan is about 20 KB, and PyYAML (pure
#: Python, so that every node keeps its position) needs seconds for a file near this size.
MAX_FILE_BYTES = 512 * 1024
#: Upper bound on YAML nodes per file (the largest plan has about 500), checked while composing so
#: that a pathological file is stopped early instead of being parsed to the end.
MAX_NODES = 10_000
#: Upper bound on nesting (the deepest plan nests 7 levels); PyYAML composes recursively.
MAX_DEPTH = 40

PathKey = tuple[Any, ...]

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
    #: The YAML text the marks point into (to point inside a value; see :meth:`problem_at`).
    text: str = field(default="", repr=False, compare=False)

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

    def problem_at(self, path: PathKey, needle: str, message: str, hint: str = "") -> Problem:
        """Like :meth:`problem`, pointing at ``needle`` inside the value where it is written literally
        (a placeholder in a long sentence); at the value's start when it is not found there."""
        line, col = self.where(path)
        lines = _yaml_lines(self.text) if self.text and needle else []
        index = line - self.line_offset - 1
        if 0 <= index < len(lines):
            starts = {mark_line for mark_line, _col in (*self.marks.values(), *self.key_marks.values())}
            found = lines[index].find(needle, col - 1)
            if found >= 0:
                return Problem(self.path, line, found + 1, message, hint)
            # a value continued on the next lines (folded or block text), up to the next key or value
            for later in range(index + 1, len(lines)):
                if later + 1 in starts:
                    break
                found = lines[later].find(needle)
                if found >= 0:
                    return Problem(self.path, later + 1 + self.line_offset, found + 1, message, hint)
        return Problem(self.path, line, col, message, hint)

    def missing_post(self, post: str, role: str, *, adoption_index: int | None = None,
                     grouped: bool = False) -> tuple[PathKey, str, str]:
        """Where to report that no one holds ``post`` (needed as ``role``), what is missing, and the fix.

        In the words of a YAML profile; a source of another kind (an Excel row) overrides it.
        ``grouped``: the adoption lists its own ``group``, so the fix belongs there.
        """
        path: PathKey = ("plans", adoption_index, "group") if grouped else ("people", post)
        return (path, f"学校档案的 people 中没有“{post}”",
                f"请在 people 中加上一行“{post}: 姓名”，或在本方案下写 group: {{{role}: [姓名]}}")


_SAVE_AS_UTF8 = "请用记事本打开文件，选“另存为”，在“编码”中选“UTF-8”后保存；WPS 中选“文本文件（UTF-8）”"
_TOO_LARGE_HINT = "一个文件只放一份方案、一个课时或一篇文章；请检查是否误粘贴了大量内容"


def _too_large(shown: str, size: int) -> GongyuError:
    return GongyuError(Problem(shown, 1, 1, f"文件太大（{size // 1024} KB），超过了 {MAX_FILE_BYTES // 1024} KB 的上限",
                               _TOO_LARGE_HINT))


def read_text(path: Path, shown: str) -> str:
    """Read a file as UTF-8 (a BOM is accepted); say clearly when it is GBK, UTF-16 or too large."""
    return decode_text(read_bytes(path, shown), shown)


def read_bytes(path: Path, shown: str) -> bytes:
    """The bytes of a file, refused when larger than :data:`MAX_FILE_BYTES` or unreadable."""
    try:
        with open(path, "rb", buffering=0) as handle:  # unbuffered: one read of the whole file
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise _too_large(shown, size)
            # never more than the cap, even when the file grows between fstat() and read()
            raw = b""
            while len(raw) <= MAX_FILE_BYTES:
                chunk = handle.read(MAX_FILE_BYTES + 1 - len(raw))
                if not chunk:
                    break
                raw += chunk
    except OSError as exc:
        reason = "这是一个文件夹，不是文件" if path.is_dir() else (exc.strerror or type(exc).__name__)
        raise GongyuError(Problem(shown, 0, 0, f"无法读取文件：{reason}",
                                  "请检查文件是否存在、是否有读取权限，或是否正被其他程序占用")) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(shown, len(raw))
    return raw


def decode_text(raw: bytes, shown: str) -> str:
    """A file's bytes as text (see :func:`read_text`)."""
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


