"""Finding CJK fonts on this machine for PDF output.

The PDF engine is given only the folders that hold the fonts we use, never the whole system, so a
document comes out the same on every machine that has the same fonts. Besides the system folders,
a folder named by the user (``gongyu school build --fonts DIR``, passed down as an argument via
:func:`use_font_dirs`; the environment variable ``GONGYU_FONT_DIR`` remains a fallback for users)
is searched first and handed to the engine whole, so fonts with any file name in it are usable.
File names are matched without regard to case (Windows writes ``SIMFANG.TTF``).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import GongyuError

#: Font files we look for, by role. The first one found of each role is used.
_CANDIDATES: dict[str, tuple[str, ...]] = {
    # 宋体/明体 family: body text of handouts, official-document title fallback
    "serif": ("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.otf", "NotoSerifSC-Regular.otf",
              "simsun.ttc", "Songti.ttc", "STSong.ttf"),
    "serif_bold": ("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.otf", "NotoSerifSC-Bold.otf", "Songti.ttc"),
    # 黑体 family: headings, level-1 headings of official documents
    "sans": ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf",
             "msyh.ttc", "simhei.ttf", "PingFang.ttc", "STHeiti Medium.ttc"),
    "sans_bold": ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf", "msyhbd.ttc", "simhei.ttf"),
    # 楷体, 仿宋 and 小标宋: optional; official documents fall back to free faces when absent
    "kai": ("KaiTi_GB2312.ttf", "楷体_GB2312.ttf", "simkai.ttf", "STKAITI.TTF", "STKaiti.ttf", "Kaiti.ttc",
            "LXGWWenKai-Regular.ttf", "LXGWWenKaiGB-Regular.ttf", "ukai.ttc"),
    "fangsong": ("FangSong_GB2312.ttf", "仿宋_GB2312.ttf", "simfang.ttf", "STFANGSO.TTF", "STFangsong.ttf",
                 "FandolFang-Regular.otf"),
    "xiaobiaosong": ("FZXBSJW.TTF", "方正小标宋简体.ttf", "FZXiaoBiaoSong-B05S.ttf"),
}

#: Family names as the PDF engine knows them, per file name.
_FAMILIES = {
    "NotoSerifCJK": "Noto Serif CJK SC",
    "NotoSerifSC": "Noto Serif SC",
    "NotoSansCJK": "Noto Sans CJK SC",
    "NotoSansSC": "Noto Sans SC",
    "simsun": "SimSun",
    "Songti": "Songti SC",
    "STSong": "STSong",
    "msyh": "Microsoft YaHei",
    "simhei": "SimHei",
    "PingFang": "PingFang SC",
    "STHeiti": "Heiti SC",
    "ukai": "AR PL UKai",  # the family name as the PDF engine (Typst) reads it
    "simkai": "KaiTi",
    "KaiTi_GB2312": "KaiTi_GB2312",
    "楷体_GB2312": "KaiTi_GB2312",
    "STKAITI": "STKaiti",
    "STKaiti": "STKaiti",
    "Kaiti": "Kaiti SC",
    "LXGWWenKai": "LXGW WenKai",
    "LXGWWenKaiGB": "LXGW WenKai GB",
    "simfang": "FangSong",
    "FangSong_GB2312": "FangSong_GB2312",
    "仿宋_GB2312": "FangSong_GB2312",
    "STFANGSO": "STFangsong",
    "STFangsong": "STFangsong",
    "FandolFang": "FandolFang R",
    "FZXBSJW": "FZXiaoBiaoSong-B05S",
    "方正小标宋简体": "FZXiaoBiaoSong-B05S",
    "FZXiaoBiaoSong": "FZXiaoBiaoSong-B05S",
}

#: Folders named by the user for this process (``--fonts``), searched before the system's.
_user_dirs: tuple[Path, ...] = ()


def use_font_dirs(dirs: tuple[Path, ...] | list[Path]) -> None:
    """Search ``dirs`` (``--fonts DIR``) first from now on in this process; every folder is handed to the PDF engine."""
    global _user_dirs, _cache
    resolved = tuple(Path(d).resolve() for d in dirs)
    if resolved != _user_dirs:  # the same folders again (a warm-up, then the build): the fonts found stay
        _user_dirs, _cache = resolved, None


def user_font_dirs() -> tuple[Path, ...]:
    """The folders :func:`use_font_dirs` set (to hand on to worker processes)."""
    return _user_dirs


def _font_dirs() -> list[Path]:
    dirs: list[Path] = list(_user_dirs)
    extra = os.environ.get("GONGYU_FONT_DIR")
    if extra:
        dirs += [Path(p) for p in extra.split(os.pathsep) if p]
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs += [Path(windir) / "Fonts", Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts"]
    elif sys.platform == "darwin":
        dirs += [Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"), Path("/Library/Fonts"),
                 Path.home() / "Library" / "Fonts"]
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
                 Path.home() / ".fonts"]
    return [d for d in dirs if d.is_dir()]


@dataclass(frozen=True)
class FontSet:
    """The CJK fonts found: a file and family name per role (kai and fangsong may be missing)."""

    files: dict[str, Path]
    families: dict[str, str]
    #: Folders handed to the engine whole (the user's ``--fonts`` folders).
    extra_folders: tuple[str, ...] = ()

    @property
    def folders(self) -> list[str]:
        return sorted({str(path.parent) for path in self.files.values()} | set(self.extra_folders))

    def family(self, role: str) -> str:
        """Family for ``role``, falling back along 仿宋 → 宋体, 楷体 → 宋体."""
        if role in self.families:
            return self.families[role]
        fallback = {"fangsong": "serif", "kai": "serif", "serif_bold": "serif", "sans_bold": "sans"}.get(role, "serif")
        return self.families[fallback]


_cache: FontSet | None = None


def find_fonts(*, refresh: bool = False, dirs: tuple[Path, ...] | list[Path] | None = None) -> FontSet:
    """Locate CJK fonts; raise a Chinese :class:`GongyuError` naming what to install when none exist.

    ``dirs``: the user's font folders (``--fonts``), searched first from now on (see :func:`use_font_dirs`).
    """
    global _cache
    if dirs is not None:
        use_font_dirs(dirs)
    if _cache is not None and not refresh:
        return _cache
    index: dict[str, Path] = {}
    for folder in _font_dirs():
        for root, _dirs, names in sorted(os.walk(folder)):
            for name in sorted(names):
                index.setdefault(name.lower(), Path(root) / name)
    files: dict[str, Path] = {}
    families: dict[str, str] = {}
    for role, candidates in _CANDIDATES.items():
        for name in candidates:
            if name.lower() in index:
                files[role] = index[name.lower()]
                stem = name.split("-")[0].split(".")[0].split(" ")[0]
                families[role] = _FAMILIES.get(stem, stem)
                break
    if "serif" not in files and "sans" not in files:
        if sys.platform.startswith("linux"):
            how = "请安装中文字体：sudo apt-get install fonts-noto-cjk（Debian/Ubuntu），然后重试"
        elif sys.platform == "win32":
            how = "Windows 通常自带宋体和黑体；请确认 C:\\Windows\\Fonts 中有 simsun.ttc 或 msyh.ttc"
        else:
            how = "请安装 Noto Serif CJK SC 或 Noto Sans CJK SC 字体"
        raise GongyuError(f"找不到中文字体，无法生成 PDF。{how}；也可以用 --fonts 指向字体所在的文件夹")
    if "serif" not in files:
        files["serif"], families["serif"] = files["sans"], families["sans"]
    if "sans" not in files:
        files["sans"], families["sans"] = files["serif"], families["serif"]
    _cache = FontSet(files=files, families=families, extra_folders=tuple(str(d) for d in _user_dirs if d.is_dir()))
    return _cache
