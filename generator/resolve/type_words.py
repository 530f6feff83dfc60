"""School types in their own words: a kindergarten's 园长, 保教处 and 幼儿 in place of a school's.

A plan template is written once, in a school's words; a kindergarten's pack shows the same posts
and offices under the names a kindergarten uses (校长 → 园长, 教导处 → 保教处, 学生 → 幼儿). Titles
that keep their name everywhere are protected: 法治副校长 is the title of an appointee from the
courts, procuratorate or police, and a parent school (家长学校) has its own 校长. Blank forms also name the unit (学校 → 幼儿园).
What a kindergarten does not have at all (作业, 辍学, 信息科技教师) is left out by the plans'
``not_for`` / ``school_types``, not reworded here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

#: How a kindergarten names the same posts, offices and people (保教 roles; children, not pupils).
#: Longer words first; protected words (法治副校长, the title of an appointee) are kept.
_TYPE_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "幼儿园": (
        ("分管副校长", "分管副园长"), ("副校长", "副园长"), ("校长", "园长"),
        ("教导处主任", "保教主任"), ("德育处主任", "保教主任"), ("教导处", "保教处"), ("德育处", "保教处"),
        ("本校", "本园"), ("全校", "全园"), ("在校生", "在园幼儿"), ("学生", "幼儿"),
        ("主题班会", "主题活动"), ("放学", "离园"), ("上学", "入园"),
        ("任课教师", "配班教师"), ("缺课", "缺勤"),
    ),
    # a senior high school has a Communist Youth League secretary, no Young Pioneers
    "高中": (("少先队辅导员（团委书记）", "团委书记"),),
}
_PROTECTED: tuple[str, ...] = (
    "法治副校长", "家长学校副校长", "家长学校校长", "中小学生", "学生课", "大学生", "安全教育课（学生）")
#: Blank forms also name the unit itself (学校（盖章）): a kindergarten's forms say 幼儿园.
_FORM_WORDS: dict[str, tuple[tuple[str, str], ...]] = {"幼儿园": (("学校", "幼儿园"),)}
_FORM_PROTECTED = ("家长学校", "学校家庭社会", "学校、幼儿园", "中小学")


def type_words(text: str, school_type: str | None, *, form: bool = False) -> str:
    """``text`` in the words of a school type: 园长 and 保教主任 in a kindergarten's pack.

    ``form``: the text of a blank form, which also names the unit (学校 → 幼儿园).
    """
    table = _TYPE_WORDS.get(school_type or "")
    if not table:
        return text
    protected = _PROTECTED
    if form:
        table = (*table, *_FORM_WORDS.get(school_type or "", ()))
        protected = (*_FORM_PROTECTED, *_PROTECTED)
    kept: dict[str, str] = {}
    for index, word in enumerate(protected):
        if word in text:
            token = f"\x00{index}\x00"
            kept[token] = word
            text = text.replace(word, token)
    for old, new in table:
        text = text.replace(old, new)
    for token, word in kept.items():
        text = text.replace(token, word)
    return text


def typed_form(form: Any, school_type: str | None) -> Any:
    """``form`` with its texts in the words of ``school_type`` (the same object when nothing changes)."""
    if not _TYPE_WORDS.get(school_type or ""):
        return form
    key = (id(form), school_type)
    known = _TYPED_FORMS.get(key)
    if known is not None and known[0] is form:
        return known[1]
    typed = _map_texts(form, lambda text: type_words(text, school_type, form=True))
    _TYPED_FORMS[key] = (form, typed)
    return typed


_TYPED_FORMS: dict[tuple[int, str | None], tuple[Any, Any]] = {}


def _map_texts(value: Any, change: Any) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_texts(v, change) for v in value]
    if isinstance(value, BaseModel):
        updates = {name: _map_texts(getattr(value, name), change)
                   for name in type(value).model_fields if name not in _NOT_MAPPED}
        return value.model_copy(update=updates)
    return value




#: Fields of a form or plan that are identifiers or rules, never text.
_NOT_MAPPED = frozenset({"id", "form", "forms", "related", "kind", "when", "comparison", "school_stages", "stages",
                         "school_types", "not_for", "value", "deadline", "many", "variant_of"})


def merge_renamed(org: Any) -> Any:
    """One line per post and one heading per unit, after a type's words made two the same (德育处, 教导处 → 保教处)."""
    roles, seen = [], set()
    for role in org.roles:
        if (role.role, role.holder) not in seen:
            seen.add((role.role, role.holder))
            roles.append(role)
    units: list[Any] = []
    for unit in org.units:
        same = next((i for i, u in enumerate(units) if u.unit == unit.unit), None)
        if same is None:
            units.append(unit)
        else:
            duties = list(units[same].duties) + [d for d in unit.duties if d not in units[same].duties]
            units[same] = units[same].model_copy(update={"duties": duties})
    if len(roles) == len(org.roles) and len(units) == len(org.units):
        return org
    return org.model_copy(update={"roles": roles, "units": units})
