"""The resolve stage: a school profile and the corpus become one immutable
:class:`~generator.resolve.school.ResolvedSchool` (plans placed in the year, words filled in,
documents laid out); rendering only reads it.
"""
