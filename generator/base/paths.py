"""How files are named in messages."""

from __future__ import annotations

import functools
import os
from pathlib import Path


def shown_path(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when it is inside it."""
    return _shown(os.getcwd(), path)


@functools.lru_cache(maxsize=1 << 14)
def _shown(cwd: str, path: Path) -> str:
    """Remembered per working folder: every reload names the same thousands of files again."""
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return Path(relative).as_posix() if not relative.startswith("..") else path.as_posix()
