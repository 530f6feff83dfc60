"""Parent-school courses and safety lessons (``courses/``).

A course is a folder ``courses/<course-id>/`` holding ``_course.yml`` and one YAML file per lesson;
the course lists its lessons in teaching order.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from .common import Audience, Id, Label, SafetyTopic, Season, Stage, Strict, Text, Topic

LessonFormat = Literal["讲座", "经验分享", "案例分析", "亲子活动", "讨论沙龙", "情景演练", "主题班会", "工作坊"]
AgendaStep = Literal["导入", "讲授", "案例", "讨论", "演练", "活动", "分享", "小结", "答疑"]


class Course(Strict):
    """A course: a sequence of lessons for one stage, or a set of safety lessons."""

    id: Id = Field(description="课程编号，与文件夹同名")
    title: Label = Field(description="课程名称")
    kind: Literal["家长学校", "安全教育", "教师培训"] = Field(description="家长学校课程、安全教育课或教师培训")
    audience: list[Audience] = Field(min_length=1, description="面向的人")
    stage: Stage = Field(description="学段；安全教育可用“跨学段”")
    summary: Text = Field(description="课程简介")
    lessons: list[Id] = Field(min_length=1, description="按授课顺序列出的课时编号")


class AgendaItem(Strict):
    """One timed step of a session."""

    step: AgendaStep = Field(description="环节：导入、讲授、案例、讨论、演练、活动、分享、小结、答疑")
    minutes: int = Field(ge=1, le=180, description="分钟数")
    content: Text = Field(description="这一环节做什么")


class Case(Strict):
    """A realistic case told in a few sentences, with what to learn from it."""

    title: Label
    story: Text = Field(description="案例经过")
    analysis: Text = Field(description="分析与启示")


class Lesson(Strict):
    """One parent-school session or safety lesson."""

    id: Id = Field(description="课时编号，全库唯一，与文件名同名")
    title: Label = Field(description="课题")
    audience: Audience = Field(description="对象：家长、学生或教师")
    stage: Stage = Field(description="学段")
    duration: int = Field(ge=20, le=180, description="时长（分钟），议程分钟数之和必须与之相等")
    format: LessonFormat = Field(description="形式")
    topics: list[Topic] = Field(default_factory=list, description="主题")
    safety_topic: SafetyTopic | None = Field(default=None, description="安全教育专题（仅安全教育课）")
    season: list[Season] = Field(default_factory=list, description="适合开课的季节（安全教育课必填）")
    season_note: Text | None = Field(default=None, description="为什么在这个季节上")
    preparation: list[Text] = Field(
        min_length=1,
        description="课前准备：要打印、带去或提前安排的事，例如“打印讲义和签到表各 40 份”“提前一周发通知”“安排志愿者看护幼儿”",
    )
    objectives: list[Text] = Field(min_length=2, description="教学目标，反馈表的问题由此生成")
    agenda: list[AgendaItem] = Field(min_length=2, description="议程")
    key_points: list[Text] = Field(min_length=2, description="要点")
    case: Case = Field(description="案例")
    discussion: list[Text] = Field(min_length=1, description="讨论问题")
    home_practice: list[Text] = Field(min_length=1, description="亲子作业")
    take_home: list[Text] = Field(min_length=2, description="带回家的一页纸要点")
    related: list[Id] = Field(default_factory=list, description="相关文章、课时或方案")

    @field_validator("agenda")
    @classmethod
    def _agenda_adds_up(cls, agenda: list[AgendaItem], info: ValidationInfo) -> list[AgendaItem]:
        duration = info.data.get("duration")
        total = sum(item.minutes for item in agenda)
        if duration is not None and total != duration:
            raise ValueError(
                f"议程各环节分钟数之和是 {total} 分钟，而 duration 写的是 {duration} 分钟；"
                "请调整某个环节的 minutes 或 duration，使两者相等"
            )
        return agenda
