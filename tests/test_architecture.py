"""The tree is the pipeline: measured from the imports, as ARCHITECTURE.md draws it.

Every module of the package belongs to one stage (a folder at the package root, or one of the few
modules left there). A stage may import itself and the stages before it in :data:`STAGES`, never
one after it, and no modules import each other in a loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

#: The stages in pipeline order: each may import only itself and those before it.
STAGES: tuple[str, ...] = (
    "__init__",       # the package's version
    "errors",         # Problem and GongyuError: located messages
    "project",        # where a project's folders are
    "base",           # clock, fonts, markup, numbering, urls, shown_path: no knowledge of documents
    "models",         # the documents as pydantic models (and the province names they check)
    "load",           # files → models, located errors; the corpus, regulations and holiday schedule
    "schoolcal",      # the school year, its days off and the date rules
    "check",          # cross-references, placeholders, a profile against its templates
    "resolve",        # a school → one immutable resolved value (plans placed, documents laid out)
    "render",         # resolved values → bytes: docx/, pdf/, ics, pages/, printables/
    "write",          # bytes → files: atomic output, the cache, schemas
    "xlsx",           # the county's school list (read) and its template (bytes)
    "search",         # the site search index
    "packs",          # school packs: one school, a batch, the site's example packs
    "pipeline",       # the one sequence every command runs
    "mkdocs_plugin",  # the only place that knows MkDocs
    "web",            # gongyu web: the county's online service (the only place that knows Flask)
    "cli",            # the gongyu command
    "__main__",
)
#: Modules allowed at the package root; everything else lives in a stage folder.
ROOT_MODULES = {"__init__", "__main__", "errors", "project", "pipeline"}
#: Third-party packages only one stage may import.
OWNED = {"mkdocs": "mkdocs_plugin", "properdocs": "mkdocs_plugin", "click": "cli", "flask": "web",
         "flask_wtf": "web", "werkzeug": "web", "sqlalchemy": "web", "argon2": "web", "waitress": "web"}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, package): p for p in sorted(package.rglob("*.py")) if "bundled" not in p.parts}


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(module: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """Every module of the package that ``module`` imports (at any depth of the code), with its line."""
    here = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here
            for _ in range(max(node.level - 1, 0)):
                base = base.rpartition(".")[0]
            full = (f"{base}.{node.module}" if node.module else base) if node.level else (node.module or "")
            subs = [f"{full}.{alias.name}" for alias in node.names if f"{full}.{alias.name}" in known]
            found += [(sub, node.lineno) for sub in subs]
            if len(subs) < len(node.names):
                found.append((full, node.lineno))
    return [(target, line) for target, line in found if target != module and target in known]


def graph(package: Path = PACKAGE) -> dict[str, list[tuple[str, int]]]:
    mods = modules(package)
    return {m: imports(m, p, set(mods)) for m, p in mods.items()}


def upward(package: Path = PACKAGE) -> list[str]:
    """Each import from a stage to a later one, as ``module:line imports target (stage → stage)``."""
    order = {name: i for i, name in enumerate(STAGES)}
    return [f"{m}:{line} imports {target} ({stage_of(m)} → {stage_of(target)})"
            for m, targets in sorted(graph(package).items()) for target, line in targets
            if order[stage_of(target)] > order[stage_of(m)]]


def circles(package: Path = PACKAGE) -> list[list[str]]:
    """Modules that import each other in a loop (strongly connected components, Tarjan)."""
    edges = {m: sorted({t for t, _ in targets}) for m, targets in graph(package).items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_every_module_belongs_to_a_stage() -> None:
    assert sorted({stage_of(m) for m in modules()} - set(STAGES)) == []


def test_the_package_root_holds_only_a_handful_of_modules() -> None:
    loose = {p.stem for p in PACKAGE.glob("*.py")}
    assert loose <= ROOT_MODULES, sorted(loose - ROOT_MODULES)


def test_no_stage_imports_a_later_one() -> None:
    assert upward() == []


def test_no_import_circles() -> None:
    assert circles() == []


@pytest.mark.parametrize("library", sorted(OWNED))
def test_libraries_owned_by_one_stage(library: str) -> None:
    users = []
    for module, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(name.split(".")[0] == library for name in names) and stage_of(module) != OWNED[library]:
                users.append(module)
    assert users == []


def test_the_checks_find_an_upward_import_and_a_circle(tmp_path: Path) -> None:
    """A package where resolve imports render (as it once did) and render imports resolve back."""
    package = tmp_path / "generator"
    for folder in ("resolve", "render"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "resolve" / "school.py").write_text(
        "def f():\n    from ..render.docx import plan_document\n", encoding="utf-8")
    (package / "render" / "docx.py").write_text("from ..resolve.school import f\n", encoding="utf-8")
    assert upward(package) == ["generator.resolve.school:2 imports generator.render.docx (resolve → render)"]
    assert circles(package) == [["generator.render.docx", "generator.resolve.school"]]


# --- habits ------------------------------------------------------------------------------------------

#: Import name → the distribution that provides it, where they differ.
DISTRIBUTIONS = {"yaml": "pyyaml", "docx": "python-docx", "argon2": "argon2-cffi", "flask_wtf": "flask-wtf"}
#: Declared although no module imports them: the theme mkdocs.yml names, and jieba's pkg_resources.
RUN_TIME_ONLY = {"mkdocs-material", "setuptools"}
MAX_LINES = 60


def third_party_imports(package: Path = PACKAGE) -> set[str]:
    import sys

    found: set[str] = set()
    for path in modules(package).values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                if top and top not in sys.stdlib_module_names and top != package.name:
                    found.add(DISTRIBUTIONS.get(top, top))
    return found


def test_declared_dependencies_are_the_imported_ones() -> None:
    import re
    import tomllib

    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]}
    assert declared - RUN_TIME_ONLY == third_party_imports()


def test_long_functions_say_why() -> None:
    """A function over 60 lines is split, or its docstring says why not (``Not split: …``)."""
    unexplained = []
    for module, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > MAX_LINES and "Not split:" not in (ast.get_docstring(node) or ""):
                    unexplained.append(f"{module}.{node.name} ({length} lines)")
    assert unexplained == []


def test_no_test_module_imports_another() -> None:
    """Shared helpers live in conftest.py and helpers.py."""
    tests = Path(__file__).resolve().parent
    offenders = []
    for path in sorted(tests.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = (node.module or "").rpartition(".")[2] if node.module else ""
                names = [a.name for a in node.names]
                if target.startswith("test_") or any(n.startswith("test_") for n in names if not node.module):
                    offenders.append(f"{path.name}:{node.lineno}")
            elif isinstance(node, ast.Import) and any(a.name.split(".")[-1].startswith("test_") for a in node.names):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
