"""School packs: every plan a school adopts, filled in with its name, people and dates.

A pack is the folder ``<out>/<school-id>/`` (file names are ASCII so that a zip opens cleanly in
Windows Explorer, which reads zip names in the local code page, and on any USB stick)::

    README.txt              说明：每个文件是什么（UTF-8，记事本可直接打开）
    <plan-id>.docx / .pdf   each adopted plan in the GB/T 9704 layout
    xingshili.docx / .pdf   工作行事历 of all adopted plans, by teaching week
    calendar.ics            the phases and events for phone and desktop calendars
    forms/<form-id>.pdf     the blank forms the plans call for, headed with the school's name

The pipeline is that of the rest of gongyu: resolve every plan first (all problems of a school
reported together, with file and line), render every file in memory, and only then write the
folder in one atomic swap (:func:`generator.write.atomic.staged_dir`), so a failed school never leaves
half a pack behind. :func:`build_packs` spreads many schools over CPU cores; one bad school is
reported and the others are still produced.
"""

from __future__ import annotations

from .batch import build_packs
from .outcome import BatchResult
from .pack import (
    PackContent,
    build_pack,
    pack_files,
    readme,
    resolve_profile,
    retarget,
    write_pack,
    zip_files,
    zip_pack,
)
from .profiles import Failure, Profile, load_profiles
from .site import site_downloads

__all__ = [
    "BatchResult",
    "Failure",
    "PackContent",
    "Profile",
    "build_pack",
    "build_packs",
    "load_profiles",
    "pack_files",
    "readme",
    "resolve_profile",
    "retarget",
    "site_downloads",
    "write_pack",
    "zip_files",
    "zip_pack",
]
