"""The render stage: resolved values and documents → bytes (Word, PDF, iCalendar, Markdown pages, SVG).
No file is written and nothing is validated here.
"""
