"""The style limits of DESIGN.md "Architecture and style", checked on the source (import-linter checks the rest).

No module over 400 lines, no function over 60, nobody imports another module's underscore names, and no service
reads the request: views parse it and pass plain values on.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for d in ("lms", "importers") for p in (ROOT / d).rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_no_module_is_over_400_lines(path):
    assert len(path.read_text().splitlines()) <= MAX_MODULE_LINES


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_no_function_is_over_60_lines(path):
    tree = ast.parse(path.read_text())
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
            for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_nobody_imports_another_modules_underscore_names(path):
    here = _module_of(path)
    tree = ast.parse(path.read_text())
    private = [f"{node.module}.{alias.name} (line {node.lineno})"
               for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
               and node.module != here for alias in node.names
               if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not private


SERVICE_MODULES = [p for p in SOURCES if p.parts[-2:-1] != ("web",)
                   and p.stem not in ("views", "api", "forms", "cli", "__init__", "policy", "auth")]


@pytest.mark.parametrize("path", SERVICE_MODULES, ids=_name)
def test_services_never_read_the_request(path):
    tree = ast.parse(path.read_text())
    reads = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == "flask"
             and any(alias.name == "request" for alias in node.names)]
    assert not reads, f"{_name(path)} imports flask.request on line(s) {reads}"
