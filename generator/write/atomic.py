"""Writing output so that a crash or ``kill -9`` never leaves a half-written result behind.

Folders are built beside their destination and swapped in with one rename (Linux: an atomic
exchange through ``renameat2``); single files are written to a temporary name and replaced.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

_RENAME_EXCHANGE = 2
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths on Linux; return False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # here: most commands never swap a folder

    renameat2 = None
    for name in (None, "libc.so.6"):  # this process's own symbols (libc is loaded), else libc by name
        try:
            renameat2 = ctypes.CDLL(name, use_errno=True).renameat2
            break
        except (OSError, AttributeError):
            continue
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def replace_dir(new: Path, dest: Path) -> None:
    """Put the finished folder ``new`` at ``dest``, removing what was there before."""
    if dest.exists() and _exchange(new, dest):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old tree
        return
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-{os.getpid()}-", dir=dest.parent))
        old.rmdir()
        os.replace(dest, old)
        os.replace(new, dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, dest)


@contextlib.contextmanager
def staged_dir(dest: Path, *, kind: str = "site", made_by: str = "gongyu build",
               project: Path | None = None) -> Iterator[Path]:
    """Yield an empty folder beside ``dest``; on success it replaces ``dest``, on error it is removed.

    ``dest`` must be a folder gongyu may replace (:func:`generator.outputs.check_replaceable`:
    absent, empty or an earlier ``kind`` output; never the project, its sources or a folder of
    other files). The whole run holds ``dest``'s lock, so a second run into the same folder waits;
    stagings left beside it by killed runs are removed, never a running one's. The finished folder
    gets the marker saying ``made_by`` made it.
    """
    from .outputs import check_replaceable, output_lock, staging_is_stale, write_marker

    dest = dest.resolve()
    check_replaceable(dest, kind, project=project)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(dest):
        check_replaceable(dest, kind, project=project)  # the run we waited for may have changed it
        for prefix in (f".{dest.name}.tmp-", f".{dest.name}.old-"):
            for stale in dest.parent.glob(f"{prefix}*"):
                if staging_is_stale(stale, prefix=prefix):  # left by a killed run: never a running one's
                    shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-{os.getpid()}-", dir=dest.parent))
        os.chmod(tmp, 0o755)  # mkdtemp makes the folder private; a web server must be able to read it
        try:
            yield tmp
            write_marker(tmp, kind, made_by)
            _share(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        replace_dir(tmp, dest)


def _share(folder: Path) -> None:
    """Folders 0755, files 0644 under ``folder``: outputs are meant to be served and shared."""
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            continue
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file through a temporary name so readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes files private; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def safe_child(base: Path, *parts: str) -> Path:
    """``base/parts…``, refusing anything that would land outside ``base``."""
    from ..errors import GongyuError

    base = base.resolve()
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\x00" in part or ":" in part:
            raise GongyuError(f"输出文件名“{part}”不安全（含有路径分隔符或特殊字符），已拒绝写入")
        if part != part.rstrip(". "):
            raise GongyuError(f"输出文件名“{part}”以点或空格结尾，Windows 会去掉它们而与其他文件重名，已拒绝写入")
        if part.split(".")[0].strip().lower() in _WINDOWS_RESERVED:
            raise GongyuError(f"输出文件名“{part}”是 Windows 的保留名称，在 Windows 上无法使用，已拒绝写入")
    target = base.joinpath(*parts).resolve()
    if base != target and base not in target.parents:
        raise GongyuError(f"输出路径“{target}”超出了输出目录 {base}，已拒绝写入")
    return target
