"""The shape of the code (docs/architecture.md): what may import what, docstrings that point at real files,
and a README that lists every DRAFTER_* variable the code reads."""

from __future__ import annotations

import ast
import importlib
import io
import re
import tokenize
from pathlib import Path

from tests.conftest import ROOT

WEB = ROOT / "web"
AREAS = ("inquiries", "answers", "review", "letters", "knowledge", "accounts", "tasks", "notifications")
_PATH = re.compile(r"\b((?:web|drafter|docs|bench|tests|scripts)/[\w./-]*[\w/])")
_DOTTED = re.compile(r"(?<![\w./])((?:web|drafter)(?:\.[A-Za-z_]\w*)+)")
_VARIABLE = re.compile(r"DRAFTER_[A-Z0-9_]+")
# An environment variable read: os.environ.get("DRAFTER_…"), os.getenv(…), os.environ[…] or the config modules'
# own readers _env(…) and _flag(…); a name built in an f-string ends in "{".
_READ = re.compile(r"(?:\b_env|\b_flag|environ\.get|getenv|environ\[)\(?\s*f?[\"'](DRAFTER_[A-Z0-9_]*)(\{)?")


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function, with relative imports resolved."""
    tree = ast.parse(path.read_text(), str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def view_modules() -> dict[str, str]:
    """Modules that define a blueprint, by dotted name, with the area they belong to."""
    views = {}
    for area in AREAS:
        for path in python_files(WEB / area):
            if re.search(r"^bp = Blueprint\(", path.read_text(), re.MULTILINE):
                views[".".join(path.relative_to(ROOT).with_suffix("").parts)] = area
    return views


def test_the_core_imports_neither_flask_nor_the_web_app():
    offenders = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in python_files(ROOT / "drafter")
        for module in imported_modules(path)
        if module.split(".")[0] in {"flask", "flask_login", "flask_sqlalchemy", "flask_wtf", "web"}
    }
    assert offenders == set()


def test_no_area_imports_another_areas_views():
    views = view_modules()
    assert {area for area in views.values()} == set(AREAS)  # every area has its views, found by the test
    offenders = set()
    for area in AREAS:
        for path in python_files(WEB / area):
            for module in imported_modules(path):
                owner = views.get(module)
                if owner is not None and owner != area:
                    offenders.add(f"{path.relative_to(ROOT)} importiert {module}")
    assert offenders == set()


def test_state_rules_import_nothing_of_the_presentation():
    modules = imported_modules(WEB / "answers" / "rules.py")
    assert {m.split(".")[0] for m in modules} <= {"__future__", "web"}
    assert all(m == "web.models" or m.startswith("web.models.") for m in modules if m.startswith("web"))


def _comments_and_docstrings(path: Path) -> list[tuple[int, str]]:
    text = path.read_text()
    if path.suffix == ".html":
        return [(text[: m.start()].count("\n") + 1, m.group(1)) for m in re.finditer(r"\{#(.*?)#\}", text, re.S)]
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(text).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            found.append((node.lineno, node.value.value))
    return found


def _dotted_exists(name: str) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_docstrings_and_comments_name_files_and_modules_that_exist():
    files = [*python_files(WEB), *sorted(WEB.rglob("*.html")), ROOT / "bench" / "web.py"]
    missing = []
    for path in files:
        for line, text in _comments_and_docstrings(path):
            for reference in _PATH.findall(text):
                if not (ROOT / reference.rstrip(".")).exists():
                    missing.append(f"{path.relative_to(ROOT)}:{line}: {reference}")
            for reference in _DOTTED.findall(text):
                if not _dotted_exists(reference.rstrip(".")):
                    missing.append(f"{path.relative_to(ROOT)}:{line}: {reference}")
    assert missing == []


def _variables_read_by_the_code() -> set[str]:
    """Every DRAFTER_* name in the code; a name built in an f-string (DRAFTER_DEADLINE_{kind}) counts as its
    stem with an asterisk, as the README writes it."""
    found = set()
    sources = [*python_files(ROOT / "drafter"), *python_files(WEB), ROOT / "gunicorn.conf.py", ROOT / "wsgi.py"]
    for path in sources:
        for match in _READ.finditer(path.read_text()):
            found.add(f"{match.group(1)}*" if match.group(2) else match.group(1))
    return found


def test_the_readme_lists_every_drafter_variable_the_code_reads():
    readme = (ROOT / "README.md").read_text()
    documented = set(_VARIABLE.findall(readme))
    documented_stems = {m.group(1) for m in re.finditer(r"(DRAFTER_[A-Z0-9_]*_)(?:\*|<[A-Z]+>)", readme)}
    undocumented = {
        name
        for name in _variables_read_by_the_code()
        if name not in documented
        and not any(name.rstrip("*").startswith(stem) for stem in documented_stems)
        and not (name.endswith("*") and any(d.startswith(name.rstrip("*")) for d in documented))
    }
    assert undocumented == set()


def test_the_architecture_page_names_every_package():
    page = (ROOT / "docs" / "architecture.md").read_text()
    for package in ("drafter/", *(f"web/{area}/" for area in AREAS)):
        assert package in page
