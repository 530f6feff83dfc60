"""Which folders gongyu may replace or fill, and one lock per output so two runs never mix.

A build replaces its output folder as a whole (see :func:`generator.atomic.staged_dir`). That is
safe only for a folder gongyu made itself, so every output folder carries a small marker file
(:data:`MARKER`) saying what made it, and a folder is replaced only when it does not exist, is
empty, or holds that marker (or is recognisably an output of an earlier gongyu version, made
before markers existed). Whatever the folder holds, these are never replaced: the project root and
every folder above it, the current folder and those above it, the home folder, a drive's root, the
project's source folders and anything inside them, and any folder holding ``.git``,
``mkdocs.yml`` or ``pyproject.toml``. The cache folder follows the same rule with a marker of its
own, and never lives inside an output folder (the next build would replace it).

Two processes writing the same output wait for each other through a lock file (the ``filelock``
package, so it works on Windows too). The lock files live in a per-user folder of the system's
temporary directory, named by the output's path, so output folders and the project stay clean.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import GongyuError, Problem

#: The file in every folder gongyu writes as a whole; its first line names the kind of output.
MARKER = ".gongyu-output"
SITE = "site"
PACK = "pack"
CACHE = "cache"
_KIND_NAMES = {SITE: "网站", PACK: "学校方案包", CACHE: "缓存"}
#: Entries that show a folder holds a project's sources: never replaced, even with our marker (a site
#: folder kept as a git checkout for publishing has ``.git``). A folder of sources without them
#: (``content/``, ``courses/`` …) has no marker and is refused as a folder of other files.
SOURCE_SIGNS = (".git", ".hg", ".svn", "mkdocs.yml", "pyproject.toml", "setup.py")
#: The project's source folders: no output goes into them.
SOURCE_DIRS = (".git", "content", "courses", "plans", "schemas")
#: How long a run waits for another one writing the same output before it gives up.
WAIT_SECONDS = 1800.0


def marker_text(kind: str, made_by: str) -> bytes:
    """The marker's bytes (the same for every build, so outputs stay byte-identical)."""
    return (f"gongyu-output: {kind}\nmade-by: {made_by}\n"
            f"本文件夹由共育（gongyu）的“{made_by}”生成，每次生成都会整个替换；请不要在这里存放自己的文件。\n").encode()


def marker_kind(folder: Path) -> str | None:
    """The kind named by ``folder``'s marker, or None when it has none."""
    try:
        first = (folder / MARKER).read_text(encoding="utf-8").splitlines()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    prefix = "gongyu-output: "
    return first[len(prefix):].strip() if first.startswith(prefix) else None


def write_marker(folder: Path, kind: str, made_by: str) -> None:
    """Put the marker into ``folder`` (hidden on Windows, where a leading dot does not hide a file)."""
    path = folder / MARKER
    data = marker_text(kind, made_by)
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            return
    folder.mkdir(parents=True, exist_ok=True)
    # written whole, then renamed into place; named per process and thread (a pack renders on threads)
    temporary = folder / f"{MARKER}.{os.getpid()}.{threading.get_ident()}.tmp"
    temporary.write_bytes(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        ctypes.windll.kernel32.SetFileAttributesW(str(path), 0x2)  # type: ignore[attr-defined]  # FILE_ATTRIBUTE_HIDDEN


def _legacy(folder: Path, kind: str, project: Path | None) -> bool:
    """An output of a gongyu version older than the markers: recognised by what only we write."""
    if kind == SITE:
        return (folder / "index.html").is_file() and (folder / "assets" / "gongyu").is_dir() \
            and (folder / "sitemap.xml").is_file()
    if kind == PACK:
        try:
            readme = (folder / "README.txt").read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return False
        return "方案包（" in readme.split("\n", 1)[0] and (folder / "calendar.ics").is_file()
    if kind == CACHE:
        if project is not None and folder == (project / ".cache" / "gongyu").resolve():
            return True
        import json

        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(manifest, dict) and "fingerprint" in manifest and "objects" in manifest
    return False


def is_output(folder: Path, kind: str) -> bool:
    """``folder`` is an earlier ``kind`` output of gongyu (marked, or made before markers existed)."""
    return folder.is_dir() and (marker_kind(folder) == kind or (marker_kind(folder) is None and _legacy(folder, kind, None)))


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def protected_reason(dest: Path, project: Path | None = None) -> str | None:
    """Why ``dest`` (resolved) must never be replaced or filled by a build, or None."""
    home = Path.home().resolve()
    cwd = Path.cwd().resolve()
    if dest.parent == dest:
        return "是磁盘的根目录"
    if dest == home:
        return "是用户主目录"
    if project is not None:
        project = project.resolve()
        if dest == project:
            return "是项目根目录，替换它会删掉整个项目（文章、课程、方案和 .git）"
        if dest in project.parents:
            return f"包含项目 {project}，替换它会删掉整个项目"
        for name in SOURCE_DIRS:
            if _within(dest, project / name):
                return f"在项目的源文件夹 {name}/ 里（或就是它），输出不能放在源文件里"
    if dest == cwd or dest in cwd.parents:
        return "是当前所在的文件夹或它的上级，替换它会删掉当前文件夹"
    if dest in home.parents:
        return "包含用户主目录"
    if dest.is_dir():
        signs = [name for name in SOURCE_SIGNS if (dest / name).exists()]
        if signs:
            return f"里面有项目的源文件（{'、'.join(signs)}），替换它会删掉这些文件"
    return None


def check_replaceable(dest: Path, kind: str, *, project: Path | None = None) -> None:
    """Raise a located Chinese error unless gongyu may replace the folder ``dest`` by a new ``kind`` output."""
    dest = dest.resolve()
    what = _KIND_NAMES[kind]
    hint = "请换一个不存在的或空的文件夹作为输出目录（例如项目里的 site/ 或 dist/）"
    reason = protected_reason(dest, project)
    if reason is not None:
        raise GongyuError(Problem(str(dest), 0, 0, f"不能把{what}写到这里：这个文件夹{reason}", hint))
    if not dest.exists():
        return
    if not dest.is_dir():
        raise GongyuError(Problem(str(dest), 0, 0, f"不能把{what}写到这里：这是一个文件，不是文件夹", hint))
    found = marker_kind(dest)
    if found == kind:
        return
    if found is not None:
        raise GongyuError(Problem(str(dest), 0, 0, f"不能把{what}写到这里：这个文件夹是共育生成的"
                                  f"{_KIND_NAMES.get(found, found)}，不是{what}", hint))
    entries = sorted(entry.name for entry in dest.iterdir())
    if not entries or _legacy(dest, kind, project):
        return
    shown = "、".join(entries[:5]) + ("等" if len(entries) > 5 else "")
    raise GongyuError(Problem(str(dest), 0, 0, f"不能把{what}写到这里：这个文件夹里已有不是共育生成的文件（{shown}），"
                              "生成时会整个替换这个文件夹而删掉它们",
                              "请换一个不存在的或空的文件夹，或先把这些文件移到别处"))


def check_output_root(folder: Path, *, project: Path | None = None) -> None:
    """A folder that outputs are written *into* (never replaced): refuse a drive's root and the sources."""
    folder = folder.resolve()
    reason = None
    if folder.parent == folder:
        reason = "是磁盘的根目录"
    elif project is not None and folder == project.resolve():
        reason = "是项目根目录"
    elif project is not None and any(_within(folder, project.resolve() / name) for name in SOURCE_DIRS):
        reason = "在项目的源文件夹里"
    elif folder.is_dir() and any((folder / name).exists() for name in SOURCE_SIGNS):
        reason = "是一个项目的根目录"
    if reason is not None:
        raise GongyuError(Problem(str(folder), 0, 0, f"不能把方案包写到这里：这个文件夹{reason}",
                                  "请用 --out 指定一个单独的文件夹，例如 dist/schools"))


def claim_cache(folder: Path, *, project: Path | None = None) -> Path:
    """Make sure ``folder`` may hold gongyu's cache (its own folder, nowhere else); return it resolved."""
    folder = folder.resolve()
    hint = "请在 mkdocs.yml 的 gongyu 插件设置中把 cache_dir 改成一个只放缓存的文件夹，或删掉这一项（默认 .cache/gongyu）"
    reason = protected_reason(folder, project)
    if reason is None:
        for above in folder.parents:
            found = marker_kind(above)
            if found in (SITE, PACK):
                reason = f"在共育生成的{_KIND_NAMES[found]}文件夹 {above} 里，下次生成会把它整个替换掉"
                break
    if reason is not None:
        raise GongyuError(Problem(str(folder), 0, 0, f"不能把缓存放在这里：这个文件夹{reason}", hint))
    if folder.exists() and not folder.is_dir():
        raise GongyuError(Problem(str(folder), 0, 0, "不能把缓存放在这里：这是一个文件，不是文件夹", hint))
    if folder.is_dir() and marker_kind(folder) != CACHE:
        entries = sorted(entry.name for entry in folder.iterdir())
        if entries and (marker_kind(folder) is not None or not _legacy(folder, CACHE, project)):
            shown = "、".join(entries[:5]) + ("等" if len(entries) > 5 else "")
            raise GongyuError(Problem(str(folder), 0, 0, f"不能把缓存放在这里：这个文件夹里已有不是缓存的文件（{shown}），"
                                      "缓存会删除它不用的文件", hint))
    folder.mkdir(parents=True, exist_ok=True)
    write_marker(folder, CACHE, "gongyu 缓存")
    return folder


# -- locks ------------------------------------------------------------------------------------------

def _lock_folder() -> Path:
    """A per-user folder for lock files (the temporary directory is shared between users on Linux)."""
    import getpass

    uid = getattr(os, "getuid", None)  # POSIX only; elsewhere the user's name, hashed
    user = str(uid()) if uid is not None else hashlib.sha256(getpass.getuser().encode()).hexdigest()[:8]
    folder = Path(tempfile.gettempdir()) / f"gongyu-locks-{user}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if uid is not None and (folder.is_symlink() or folder.stat().st_uid != uid()):
        raise GongyuError(f"锁文件夹 {folder} 不属于当前用户，已拒绝使用；请删除它后重试")
    return folder


def lock_path(dest: Path) -> Path:
    """The lock file of output ``dest`` (one per resolved path, case-folded where the OS folds case)."""
    key = os.path.normcase(str(dest.resolve()))
    return _lock_folder() / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.lock"


_HELD: dict[str, object] = {}


@contextlib.contextmanager
def output_lock(dest: Path, *, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the lock of output ``dest``: another run writing it first is waited for (a message says so).

    Re-entrant within a thread (a batch holding its output root's lock may take it again); other
    threads and processes wait. The operating system releases it when a process dies (``kill -9``).
    """
    from filelock import FileLock, Timeout

    path = lock_path(dest)
    lock = _HELD.get(str(path))
    if lock is None:
        lock = _HELD.setdefault(str(path), FileLock(str(path)))
    assert isinstance(lock, FileLock)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"另一个共育进程正在写入 {dest}，等它写完后再继续……", file=sys.stderr, flush=True)
        started = time.monotonic()
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            waited = int(time.monotonic() - started)
            raise GongyuError(Problem(str(dest), 0, 0, f"另一个共育进程写入这个文件夹已超过 {waited} 秒，"
                                      "本次没有写入", "请等它结束（或关掉它）后再运行")) from None
    try:
        yield
    finally:
        lock.release()


# -- stale stagings -------------------------------------------------------------------------------

def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a process of another user counts as running)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)  # signal 0: only asks (on POSIX; never called on Windows, where it would kill)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


#: A staging folder named without a process id (an older gongyu) is stale after this long.
UNNAMED_STALE_SECONDS = 3600


def staging_is_stale(path: Path, *, prefix: str) -> bool:
    """A staging (or old-tree) folder beside an output whose lock the caller holds: is its maker gone?

    Names are ``<prefix><pid>-<random>``. This process's own are stale (it holds the lock, so
    none of its threads is writing one); another process is asked whether it still runs. Names
    without a process id come from an older version: stale once untouched for an hour.
    """
    rest = path.name[len(prefix):]
    head = rest.split("-", 1)[0]
    if head.isdigit() and "-" in rest:
        return int(head) == os.getpid() or not process_alive(int(head))
    try:
        return time.time() - path.stat().st_mtime > UNNAMED_STALE_SECONDS
    except OSError:
        return False
