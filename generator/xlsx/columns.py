"""The columns of a school list: headers, where each value goes in a profile, and problems located by cell."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import Problem
from ..load import SourceDoc
from ..models.school import SCHOOL_TYPES

SHEET_NAME = "学校名单"
HELP_SHEET_NAME = "填写说明"

CellKind = Literal["text", "date", "int", "year", "list", "plans", "people", "post", "titles"]


@dataclass(frozen=True)
class Column:
    """One column of the sheet: its header, where the value goes in a profile, and how to read it."""

    header: str
    path: tuple[str, ...]
    kind: CellKind
    required: bool
    help: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("学校编号", ("id",), "text", False,
           "只用小写英文字母、数字和连字符“-”，最长 64 个字符，每所学校不同；也是生成的文件夹名。"
           "可不填（或没有这一列）：按学校名称的拼音生成", "qingshan-xiaoxue"),
    Column("学校名称", ("name",), "text", True, "学校全称，会写在每份方案的标题前面", "青山县石桥镇青山小学"),
    Column("学校类型", ("type",), "text", True,
           "、".join(SCHOOL_TYPES) + "，选其一（九年制、完小、村小、初级中学等常见写法也认得）", "小学"),
    Column("省", ("place", "province"), "text", True, "省（自治区、直辖市）的全称，例如 贵州省、广西壮族自治区、重庆市；"
           "方案会引用该省的地方性法规", "贵州省"),
    Column("市", ("place", "city"), "text", False, "市（州），可不填", ""),
    Column("县", ("place", "county"), "text", True, "县（市、区）", "青山县"),
    Column("乡镇", ("place", "town"), "text", False, "乡镇（街道），可不填", "石桥镇"),
    Column("主管单位", ("authority",), "text", True, "方案报送给谁，例如 某某县教育局 或 某某镇教育管理中心",
           "青山县石桥镇教育管理中心"),
    Column("学年", ("year",), "year", True, "前后两个年份，例如 2026-2027", "2026-2027"),
    Column("秋季开学", ("calendar", "autumn_start"), "date", False, "日期，例如 2026-09-01；不填按常规估算", "2026-09-01"),
    Column("秋季结束", ("calendar", "autumn_end"), "date", False, "秋季学期最后一天（散学典礼）；不填按春节估算", "2027-01-22"),
    Column("春季开学", ("calendar", "spring_start"), "date", False, "春季学期开学日；不填按常规估算", "2027-02-22"),
    Column("春季结束", ("calendar", "spring_end"), "date", False, "春季学期最后一天；不填按 7 月上旬估算", "2027-07-02"),
    Column("暑假结束", ("calendar", "summer_end"), "date", False, "暑假最后一天；不填为 8 月 31 日", ""),
    Column("校长", ("people", "校长"), "post", False, "姓名；领导小组组长等按岗位自动填写", "王建国"),
    Column("分管副校长", ("people", "分管副校长"), "post", False, "姓名", "李秀梅"),
    Column("德育处主任", ("people", "德育处主任"), "post", False, "姓名（德育处或政教处负责人）", "张志强"),
    Column("教导处主任", ("people", "教导处主任"), "post", False, "姓名", "刘芳"),
    Column("总务处主任", ("people", "总务处主任"), "post", False, "姓名", "陈永红"),
    Column("心理辅导教师", ("people", "心理辅导教师"), "post", False, "姓名（专职或兼职）", "赵丽华"),
    Column("家长委员会主任", ("people", "家长委员会主任"), "post", False, "姓名", "周德明"),
    Column("法治副校长", ("people", "法治副校长"), "post", False, "姓名", "孙立平"),
    Column("少先队辅导员（团委书记）", ("people", "少先队辅导员（团委书记）"), "post", False, "姓名", "吴海燕"),
    Column("卫生保健教师", ("people", "卫生保健教师"), "post", False, "姓名", "马晓燕"),
    Column("信息科技教师", ("people", "信息科技教师"), "post", False, "姓名", "黄磊"),
    Column("其他人员", ("people",), "people", False,
           "其他岗位和姓名，写成“岗位：姓名”，多个用分号隔开，例如 小学部主任：蒋淑芬；初中部主任：韩国栋", ""),
    Column("处室", ("departments",), "list", False, "本校设有的处室，用逗号或顿号隔开", "德育处、教导处、总务处"),
    Column("本地文件", ("regulations",), "titles", False,
           "本县（市）的法规和文件，书名号写全，多份用顿号或换行隔开，会写进每份方案的“主要依据”；没有就不填", ""),
    Column("学校电话", ("phone",), "text", False, "对外公开的电话，可不填", ""),
    Column("采用方案", ("plans",), "plans", True, "方案编号或方案名称，多个用逗号隔开（见“填写说明”表中的方案列表）",
           "kongchuo-baoxue, liushou-guanai, qiling-zhili, jiazhang-xuexiao, anquan-jiaoyu"),
    Column("在校生人数", ("students", "total"), "int", False, "只写总数", "486"),
    Column("留守儿童人数", ("students", "left_behind"), "int", False, "只写人数，不写任何学生的情况", "213"),
    Column("住校生人数", ("students", "boarding"), "int", False, "人数", "96"),
    Column("班级数", ("students", "classes"), "int", False, "班级个数", "12"),
    Column("备注", ("note",), "text", False, "只出现在本校的方案包说明里，可不填", ""),
)
BY_HEADER = {c.header: c for c in COLUMNS}
#: The id column: when it is missing (or a cell is empty) the id is made from the school's name.
ID_HEADER = "学校编号"
SPLIT = re.compile(r"[,，、;；\s]+")


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


class SheetProblem(Problem):
    """A problem in a sheet, shown as ``学校名单.xlsx:第5行 E列: …`` (``column`` 0: the whole row).

    It sorts together with plain :class:`Problem` objects (a school's problems may come from the
    sheet and from a plan template at once).
    """

    def _key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.message, self.hint)

    def __lt__(self, other: object) -> bool:
        return self._key() < _key_of(other)

    def __gt__(self, other: object) -> bool:
        return self._key() > _key_of(other)

    def __le__(self, other: object) -> bool:
        return self._key() <= _key_of(other)

    def __ge__(self, other: object) -> bool:
        return self._key() >= _key_of(other)

    def format(self) -> str:
        where = f"第{self.line}行" + (f" {column_letter(self.column)}列" if self.column else "")
        text = f"{self.path}:{where}: {self.message}"
        if self.hint:
            text += f"\n    提示：{self.hint}"
        return text


def _key_of(other: object) -> tuple[str, int, int, str, str]:
    if not isinstance(other, Problem):
        raise TypeError(f"cannot compare a problem with {type(other).__name__}")
    return (other.path, other.line, other.column, other.message, other.hint)


#: The header of the free “岗位：姓名” column, for posts that have no column of their own.
OTHER_PEOPLE = "其他人员"


@dataclass
class SheetDoc(SourceDoc):
    """A sheet row as a parsed document: model paths map to (row, column) for located messages.

    ``row`` is the sheet row; ``headers`` maps each header of the sheet to its column number.
    Fix hints name cells of the sheet, never YAML keys.
    """

    row: int = 0
    headers: dict[str, int] = field(default_factory=dict)
    #: The sheet row of the column names (below a title row it is not the first).
    header_row: int = 1

    def problem(self, path: tuple[Any, ...], message: str, hint: str = "", *, key: bool = False) -> Problem:
        line, col = self.where(path, key=key)
        return SheetProblem(self.path, line, col, message, hint)

    def cell(self, header: str) -> str:
        """``第2行 Q列`` for the column ``header`` of this row."""
        return f"第{self.row}行 {column_letter(self.headers[header])}列"

    def missing_post(self, post: str, role: str, *, adoption_index: int | None = None,
                     grouped: bool = False) -> tuple[tuple[Any, ...], str, str]:
        """The post's own column when the sheet has one, else the “其他人员” column (or adding it)."""
        if post in self.headers:
            return (("people", post), f"表中“{post}”一列没有填写",
                    f"请在“{post}”一列填写姓名（{self.cell(post)}）")
        if OTHER_PEOPLE in self.headers:
            return (("people", OTHER_PEOPLE), f"表中没有“{post}”的姓名",
                    f"请在“{OTHER_PEOPLE}”一列写“{post}：姓名”（{self.cell(OTHER_PEOPLE)}），"
                    "已有内容的，用分号隔开接在后面")
        known = post in BY_HEADER
        return ((), f"表中没有“{post}”的姓名",
                f"请在第{self.header_row}行加上“{post}”一列，在第{self.row}行填写姓名" if known else
                f"请在第{self.header_row}行加上“{OTHER_PEOPLE}”一列，在第{self.row}行写“{post}：姓名”")


