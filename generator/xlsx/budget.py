"""What a workbook may cost to read, checked before it is opened.

An .xlsx is a zip of XML files, and what openpyxl does with them can cost far more than the file's
size: 2,500 merged ranges in a 16 KB sheet, or a shared-strings table of millions of tiny entries
in 2 MB, each took gigabytes. So the zip is read once as a stream, without building anything:
every part's real size (a zip's own size fields can lie), the merged ranges of each sheet and the
cells of each of its rows, the entries of the shared-strings table, and no DTD (whose entities can expand without end). A school
list of a whole county is far below every limit.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import Problem

#: Parts in the zip (a workbook has a few dozen).
MAX_PARTS = 1000
#: Bytes of one worksheet's XML, unpacked (5,000 schools of 40 columns are about 20 MB).
MAX_SHEET_BYTES = 64 * 1024 * 1024
#: Bytes of the shared-strings table, unpacked, and its entries (a sheet of 5,000 schools has fewer
#: than 200,000 cells).
MAX_STRINGS_BYTES = 32 * 1024 * 1024
MAX_STRINGS = 250_000
#: Bytes of any other XML part (styles, workbook, relations), unpacked.
MAX_PART_BYTES = 16 * 1024 * 1024
#: Bytes of everything, unpacked (pictures included).
MAX_TOTAL_BYTES = 256 * 1024 * 1024
#: Merged ranges in one sheet (a county list merges its 县 column a few dozen times).
MAX_MERGES = 1000

#: Cells in one row (openpyxl holds a whole row at once; a county list has a few dozen columns).
MAX_ROW_CELLS = 2000

_SHEET_TAGS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(mergeCell|row|c)[\s/>]")
_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
#: Longest match of the patterns above, for matches that straddle two chunks.
_OVERLAP = 64
_CHUNK = 1024 * 1024

_FIX = "请在 WPS 或 Excel 中打开它，把学校名单复制到一个新建的空白工作簿（只粘贴数值），另存为 .xlsx 后重试"


def _limit(name: str) -> int:
    if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
        return MAX_SHEET_BYTES
    if name == "xl/sharedStrings.xml":
        return MAX_STRINGS_BYTES
    if name.endswith((".xml", ".rels", ".vml")):
        return MAX_PART_BYTES
    return MAX_TOTAL_BYTES


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


class _Part:
    """Counts in one part, fed chunk by chunk: merged ranges and cells per row of a sheet, or the
    entries of the shared-strings table."""

    def __init__(self, shown: str, name: str) -> None:
        self.shown, self.name = shown, name
        self.sheet = _limit(name) == MAX_SHEET_BYTES
        self.pattern = _SHEET_TAGS if self.sheet else _STRING if name == "xl/sharedStrings.xml" else None
        self.count = self.row_cells = 0
        self.tail = b""

    def feed(self, chunk: bytes) -> Problem | None:
        """Count ``chunk`` (``b""``: the end); a problem as soon as a limit is passed."""
        buffer = self.tail + chunk
        if self.name.endswith((".xml", ".rels", ".vml")) and _DTD.search(buffer):
            return Problem(self.shown, 0, 0, f"文件中的 {self.name} 含有文档类型定义（DTD），出于安全没有读取", _FIX)
        if self.pattern is None:
            self.tail = buffer[-_OVERLAP:]
            return None
        # a match starting in the last bytes is counted with the next chunk, whole
        end = len(buffer) - _OVERLAP if chunk else len(buffer)
        for match in self.pattern.finditer(buffer):
            if match.start() >= end:
                break
            if not self.sheet or match.group(1) == b"mergeCell":
                self.count += 1
            elif match.group(1) == b"row":
                self.row_cells = 0
            else:
                self.row_cells += 1
                if self.row_cells > MAX_ROW_CELLS:
                    return Problem(self.shown, 0, 0, f"工作表 {self.name} 的一行中有超过 {MAX_ROW_CELLS} 个单元格，"
                                                     "远多于一张学校名单，没有读取", _FIX)
        self.tail = buffer[max(end, 0):]
        if self.sheet and self.count > MAX_MERGES:
            return Problem(self.shown, 0, 0, f"工作表 {self.name} 中的合并单元格超过 {MAX_MERGES} 处，没有读取",
                           "请全选表格，取消合并单元格后另存再试（向下合并的县名等，取消合并后在每行填上即可）")
        if not self.sheet and self.count > MAX_STRINGS:
            return Problem(self.shown, 0, 0, f"文件的共享文字表超过 {MAX_STRINGS:,} 条，远多于一张学校名单，没有读取", _FIX)
        return None


def check_budget(path: Path, shown: str) -> list[Problem]:
    """Problems that stop the file before it is opened (empty: it may be read).

    A file that is not a zip at all, or a damaged one, is left for the reader to report as it does.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError):
        return []
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            return [Problem(shown, 0, 0, f"文件由 {len(infos)} 个部分组成，远多于一张学校名单所需（最多 {MAX_PARTS} 个），没有读取", _FIX)]
        total = 0
        for info in infos:
            part, limit, size = _Part(shown, info.filename), _limit(info.filename), 0
            try:
                with archive.open(info) as stream:
                    while True:
                        chunk = stream.read(_CHUNK)
                        problem = part.feed(chunk)
                        if problem is not None:
                            return [problem]
                        if not chunk:
                            break
                        size += len(chunk)
                        total += len(chunk)
                        if size > limit:
                            what = "工作表" if part.sheet else "共享文字表" if limit == MAX_STRINGS_BYTES else "部分"
                            return [Problem(shown, 0, 0, f"文件中的{what} {info.filename} 解压后超过 {_mb(limit)}，"
                                                         "远大于一张学校名单，没有读取", _FIX)]
                        if total > MAX_TOTAL_BYTES:
                            return [Problem(shown, 0, 0, f"文件解压后超过 {_mb(MAX_TOTAL_BYTES)}，远大于一张学校名单，没有读取",
                                            "如果表中有图片，请删去图片；" + _FIX)]
            except (OSError, zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, ValueError):
                return []  # damaged or encrypted: the reader says so in its own words
    return []
