"""Office files and set-up (issue 21): Word files declare Simplified Chinese, option help is in
Chinese, installing gives no setuptools warnings, Windows has a set-up script, and the package
makes no POSIX-only calls.
"""

from __future__ import annotations

import ast
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO, gongyu

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


# ------------------------------------------------------------------------------------------------
# Word files say zh-CN
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word_files() -> dict[str, bytes]:
    from generator.pipeline import load_corpus
    from generator.packs import pack_files, resolve_profile

    corpus = load_corpus(REPO)
    school = corpus.schools["qingshan-xiaoxue"]
    content = pack_files(resolve_profile(school, corpus), corpus, pdf=False, forms=False)
    files = {name: data for name, data in content.files.items() if name.endswith(".docx")}
    assert "xingshili.docx" in files and len(files) >= 3
    return files


def test_word_files_declare_chinese_for_east_asian_text(word_files: dict[str, bytes]) -> None:
    for name, data in sorted(word_files.items()):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            settings = archive.read("word/settings.xml").decode("utf-8")
            styles = archive.read("word/styles.xml").decode("utf-8")
        (theme_lang,) = re.findall(r"<w:themeFontLang [^>]*/>", settings)
        assert 'w:eastAsia="zh-CN"' in theme_lang, (name, theme_lang)
        assert "ja-JP" not in settings and "ja-JP" not in styles, name
        langs = re.findall(r'<w:lang [^>]*w:eastAsia="([^"]+)"', styles)
        assert langs and set(langs) == {"zh-CN"}, (name, set(langs))


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice 未安装")
def test_libreoffice_reads_the_text_as_simplified_chinese(word_files: dict[str, bytes], tmp_path: Path) -> None:
    for name in ("xingshili.docx", next(n for n in sorted(word_files) if n != "xingshili.docx")):
        (tmp_path / name).write_bytes(word_files[name])
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "fodt",
                    "--outdir", str(tmp_path / "out"), *sorted(str(p) for p in tmp_path.glob("*.docx"))],
                   check=True, capture_output=True, timeout=600)
    for document in sorted(tmp_path.glob("*.docx")):
        flat = (tmp_path / "out" / (document.stem + ".fodt")).read_text(encoding="utf-8")
        asian = set(re.findall(r'style:language-asian="([^"]+)" style:country-asian="([^"]+)"', flat))
        assert asian == {("zh", "CN")}, (document.name, asian)


# ------------------------------------------------------------------------------------------------
# Option help in Chinese
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("--help",), ("build", "--help"), ("print", "--help"), ("check", "--help"),
    ("school", "build", "--help"), ("school", "new", "--help"),
])
def test_help_has_no_english_metavars(args: tuple[str, ...]) -> None:
    result = gongyu(*args)
    assert result.returncode == 0, result.stderr
    for word in ("TEXT", "INTEGER", "INPUTS", "PATH", "FILE", "DIRECTORY", "FLOAT", "BOOLEAN", "CHOICE", "[OPTIONS]",
                 "Options:", "Usage:", "Show this message"):
        assert word not in result.stdout, (args, word, result.stdout)


def test_help_uses_chinese_metavars() -> None:
    import click
    from click.testing import CliRunner

    from generator.cli import zh as cli_zh

    cli_zh.install()

    @click.command()
    @click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
    @click.option("--name", help="名称")
    @click.option("--count", type=int, help="个数")
    @click.option("--ratio", type=float, help="比例")
    @click.option("--out", type=click.Path(file_okay=False), help="输出目录")
    @click.option("--mode", type=click.Choice(["a", "b"]), help="方式")
    def demo(**_kwargs: object) -> None:
        """演示。"""

    text = CliRunner().invoke(demo, ["--help"]).output
    assert " [文件]…" in text  # the argument: its type's word, not INPUTS...
    for option, word in (("--name", "文本"), ("--count", "整数"), ("--ratio", "数字"), ("--out", "文件夹"),
                         ("--mode", "[a|b]")):
        assert f"{option} {word}" in text, (option, text)
    # the help column lines up by display width (a Chinese character takes two columns)
    lines = [line for line in text.splitlines() if line.startswith("  --")]
    help_at = {cli_zh.display_width(line[:line.rindex("  ") + 2]) for line in lines}
    assert len(help_at) == 1, lines
    assert "文件…" in gongyu("school", "build", "--help").stdout


# ------------------------------------------------------------------------------------------------
# Packaging: license as an SPDX string, a setuptools that reads it
# ------------------------------------------------------------------------------------------------


def test_license_is_an_spdx_string_and_setuptools_allows_it() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"  # PEP 639: a string, not a table
    requires = " ".join(project["build-system"]["requires"])
    lowest = re.search(r"setuptools>=(\d+)", requires)
    assert lowest and int(lowest.group(1)) >= 77, requires  # the first setuptools that reads PEP 639


# ------------------------------------------------------------------------------------------------
# Windows
# ------------------------------------------------------------------------------------------------


def test_windows_setup_script_exists_and_is_documented() -> None:
    script = (REPO / "scripts" / "setup.ps1").read_text(encoding="utf-8-sig")
    assert (REPO / "scripts" / "setup.ps1").read_bytes().startswith(b"\xef\xbb\xbf")  # PowerShell 5.1 needs the BOM
    for piece in ("Get-Command py", "-m venv .venv", "-m pip install", "gongyu.exe", "build", "simfang.ttf", "-Test"):
        assert piece in script, piece
    assert "apt-get" not in script and "sudo" not in script
    # the font files it reports are the ones generator/fonts.py looks for
    from generator.base.fonts import _CANDIDATES as CANDIDATES

    for name in ("simfang.ttf", "simkai.ttf", "simhei.ttf", "FZXBSJW.TTF"):
        assert any(name in names for names in CANDIDATES.values()), name
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "setup.ps1" in readme and "Windows" in readme


#: Calls and modules that exist only on POSIX systems (absent or raising on Windows).
POSIX_ONLY_CALLS = {
    ("os", name) for name in ("fork", "forkpty", "getuid", "geteuid", "getgid", "getegid", "setsid", "setpgid",
                              "getpgid", "killpg", "chown", "lchown", "fchown", "mkfifo", "mknod", "sync",
                              "getloadavg", "sched_getaffinity", "sched_setaffinity", "nice", "wait3", "wait4",
                              "pipe2", "statvfs", "fchmod", "getgroups", "setuid", "setgid", "uname")
} | {("signal", name) for name in ("SIGKILL", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD",
                                   "alarm", "setitimer", "pause", "siginterrupt")}
POSIX_ONLY_MODULES = {"fcntl", "pwd", "grp", "resource", "termios", "tty", "pty", "posix", "syslog", "crypt",
                      "spwd"}


def _guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside ``if os.name != "nt"`` / ``sys.platform`` / ``hasattr(os, …)`` tests, or a try block."""
    current = node
    while current in parents:
        parent = parents[current]
        if isinstance(parent, ast.If):
            test = ast.unparse(parent.test)
            if re.search(r"os\.name|sys\.platform|platform\.system|hasattr\(|getattr\(", test):
                return True
        if isinstance(parent, ast.Try) and current in parent.body:
            handlers = " ".join(ast.unparse(h.type) for h in parent.handlers if h.type is not None)
            if re.search(r"AttributeError|ImportError|ModuleNotFoundError|OSError|NotImplementedError", handlers):
                return True
        current = parent
    return False


def posix_only_uses(source: str, filename: str) -> list[str]:
    tree = ast.parse(source, filename)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module.split(".")[0]]
            if node.module in ("os", "signal"):
                names += [f"{node.module}.{a.name}" for a in node.names
                          if (node.module, a.name) in POSIX_ONLY_CALLS]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in POSIX_ONLY_CALLS:
                names = [f"{node.value.id}.{node.attr}"]
        bad = [n for n in names if n in POSIX_ONLY_MODULES or "." in n]
        if bad and not _guarded(node, parents):
            found += [f"{filename}:{node.lineno}: {n}" for n in bad]
    return found


def test_the_scan_finds_what_it_looks_for() -> None:
    sample = ("import os, fcntl\nimport signal\nos.fork()\nos.killpg(1, signal.SIGKILL)\n"
              "if os.name != 'nt':\n    os.setsid()\ntry:\n    import pwd\nexcept ImportError:\n    pwd = None\n")
    assert posix_only_uses(sample, "x.py") == ["x.py:1: fcntl", "x.py:3: os.fork", "x.py:4: os.killpg",
                                               "x.py:4: signal.SIGKILL"]


def test_the_package_makes_no_posix_only_calls() -> None:
    found = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        found += posix_only_uses(path.read_text(encoding="utf-8"), path.relative_to(REPO).as_posix())
    assert found == []
