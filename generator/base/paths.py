"""How files are named in messages."""

from __future__ import annotations

import os
from pathlib import Path


def shown_path(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when it is inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return Path(relative).as_posix() if not relative.startswith("..") else path.as_posix()
