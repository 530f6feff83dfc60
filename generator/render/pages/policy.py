"""The register page (every law and document the content relies on, with its status) and the 依据
block that plan, article and lesson pages show: each cited document with its 文号 and dates."""

from __future__ import annotations

from ...load.policies import CURRENT, Policy, annotate, cited, describe, year_words
from .. import markdown as md
from .common import BuilderBase

#: Where the register page is.
POLICIES_URI = "policies/index.md"


def _first_year() -> int:
    from ...base.clock import school_year_in_progress

    return school_year_in_progress()


class PolicyPages(BuilderBase):
    def basis_block(self, from_uri: str, lines: list[str]) -> str:
        """A plan's 依据 as bullets: each line with the 文号 and dates the register gives it."""
        register = self.corpus.policies
        items = [annotate(line, register) for line in lines]
        if not register.present:
            return md.bullets(items) + "\n"
        return (md.bullets(items) + "\n\n"
                + f"文号、日期和是否现行见{md.link('政策依据', from_uri, POLICIES_URI)}。\n")

    def cited_block(self, from_uri: str, text: str) -> str:
        """The 依据 of an article or lesson: the register entries its text cites (empty when none)."""
        policies = cited(text, self.corpus.policies)
        if not policies:
            return ""
        items = [f"《{p.title}》" + (f"（{describe(p)}）" if describe(p) else "") for p in policies]
        return ("## 依据\n\n" + md.bullets(items) + "\n\n"
                + f"文号、日期和是否现行见{md.link('政策依据', from_uri, POLICIES_URI)}。\n")

    def policies_page(self) -> str:
        """Every register entry with its status for the school year the site is built for."""
        uri = POLICIES_URI
        register = self.corpus.policies
        first_year = _first_year()
        lines = [md.front_matter("政策依据", description="本站内容依据的法律、法规和文件：文号、日期和是否现行。"),
                 "# 政策依据\n",
                 f"本站文章、课程、方案和表格引用的法律、法规和文件都列在这里，状态按{year_words(first_year)}标注。"
                 "“现行”的可以照用；“已废止”“已被替代”的只作历史参考，本站正文已不再以它们为依据。"
                 "各省的地方性法规按学校所在省份写进学校方案包，不在此列。\n"]
        if not register.policies:
            lines.append("（暂无）\n")
            return "\n".join(lines)
        shown: dict[str, str] = {}
        for policy in register.policies:
            status = register.status(policy, first_year)
            words = status
            if status != CURRENT:
                assert policy.expired is not None
                newer = register.by_id(policy.replaced_by) if policy.replaced_by else None
                words = f"{status}（{policy.expired.year}年{policy.expired.month}月{policy.expired.day}日起"
                words += f"，由《{newer.title}》取代）" if newer else "）"
            shown[policy.id] = words
        # two columns fit a phone; the details of each document follow, one block each
        rows = [[md.link(f"《{policy.title}》", uri, f"{uri}#{policy.id}"), md.text(shown[policy.id])]
                for policy in register.policies]
        lines.append(md.raw_table(["名称", "状态"], rows) + "\n")
        lines.append("## 各文件的文号、日期和要点\n")
        for policy in register.policies:
            lines.append(f"### {md.text(policy.title)} {{ #{policy.id} }}\n")
            facts = [f"**状态：** {md.text(shown[policy.id])}", f"**制定或印发：** {md.text(policy.issuer)}"]
            if policy.number:
                facts.append(f"**文号：** {md.text(policy.number)}")
            if _dates(policy) != "—":
                facts.append(f"**日期：** {md.text(_dates(policy))}")
            lines.append("<br>\n".join(facts) + "\n")
            lines.append(md.bullets([md.text(p) for p in policy.provisions]) + "\n")
            if policy.note:
                lines.append(md.text(policy.note) + "\n")
            lines.append(f"核对原文：{md.text(policy.source)}\n")
        if register.retired:
            lines.append("## 不再使用的提法\n")
            lines.append(md.raw_table(["旧提法", "现在的说法"],
                                      [[md.text(t.term), md.text(t.use)] for t in register.retired]) + "\n")
        return "\n".join(lines)


def _dates(policy: Policy) -> str:
    from ...load.policies import dates_words

    return dates_words(policy) or "—"


__all__ = ["POLICIES_URI", "PolicyPages"]
