"""The home page: a door per audience, the emergency numbers, and the main entries."""

from __future__ import annotations

from ...models.common import STAGES, TOPICS
from .. import markdown as md
from ..emergency import EMERGENCY_NUMBERS
from .common import STAGE_SLUGS, TOPIC_SLUGS, BuilderBase


def emergency_block() -> str:
    """A warning admonition with one tap-to-call link and one line per number."""
    lines = ['!!! danger "紧急情况：点号码直接拨打"\n', '    <div class="gy-call" markdown>\n']
    for number, who, when in EMERGENCY_NUMBERS:
        lines.append(f"    - [{number}](tel:{number}){{ .gy-call__number }} **{who}**：{when}")
    lines.append("\n    </div>\n")
    return "\n".join(lines) + "\n"


class HomePage(BuilderBase):
    def home(self) -> str:
        uri = "index.md"
        corpus = self.corpus
        plans = len(corpus.plans)
        counts = (f"{len(corpus.articles)} 篇指导文章 · {len(corpus.lessons)} 节家长学校与安全教育课 · "
                  f"{plans} 份方案模板 · {len(corpus.forms)} 张空白表格")
        kinds = len({plan.kind for plan in corpus.plans.values()})
        plan_words = f"{plans} 份工作方案模板" + (f"（{kinds} 类）" if kinds != plans else "")
        # one or two lines each on a phone, so the emergency numbers below stay on the second screen
        doors = [
            ("我是家长", "parents/index.md", "防欺凌、防溺水、隔代照护、留守家庭，按孩子的年龄找指导。"),
            ("我是老师", "teachers/index.md", "家长课、安全课、家访和代理家长指引，讲义和表格直接打印。"),
            ("我是学校管理者", "schools/index.md", f"{plan_words}，生成本校方案和行事历。"),
            ("我是社区工作者或志愿者", "community/index.md", "儿童主任、妇联、关工委、志愿者和学校一起关爱孩子。"),
        ]
        lines = [md.front_matter("首页", hide=["navigation", "toc"]),
                 "# 共育 · 家校社协同育人\n",
                 "家庭、学校、社会一起，把孩子带好。这里的内容全部免费、可离线使用、可打印。\n",
                 '<div class="grid cards gy-cards gy-entry" markdown>\n']
        for title, target, blurb in doors:
            lines.append(f"-   **{md.link(title, uri, target)}**\n\n    {md.text(blurb)}\n")
        lines.append("</div>\n")
        lines.append(emergency_block())
        lines.append("## 常用入口\n")
        lines.append("- " + " · ".join([
            md.link("家长学校课程", uri, "courses/index.md"),
            md.link("安全教育课", uri, "safety/index.md"),
            md.link("方案模板", uri, "plans/index.md"),
            md.link("表格下载", uri, "forms/index.md"),
        ]))
        lines.append("- 按学段：" + " · ".join(md.link(stage, uri, f"stages/{STAGE_SLUGS[stage]}.md") for stage in STAGES))
        lines.append("- 按主题：" + " · ".join(md.link(topic, uri, f"topics/{TOPIC_SLUGS[topic]}.md") for topic in TOPICS
                                              if self.articles_for(topic=topic) or self.lessons_for(topic=topic)))
        lines.append("")
        lines.append("!!! tip \"找不到想要的内容？\"\n    点页面顶部的放大镜，直接输入想问的话，例如“孩子不想上学”“玩手机”“防溺水”。\n")
        lines.append(f"<small>本站收录：{counts}。</small>\n")
        return "\n".join(lines)
