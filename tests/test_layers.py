"""The tree is the layering: each package imports only the layers below it, and no circle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.server import ROOT

OURS = ("core", "receiver", "dashboard", "simulator", "mailpulse", "harness", "bench", "tests")

# What each package may import of ours, besides itself.
ALLOWED: dict[str, tuple[str, ...]] = {
    "core": (),
    "receiver": ("core",),
    "dashboard": ("core",),
    "simulator": ("receiver.signature",),
    "mailpulse": ("core", "receiver", "dashboard", "simulator"),
    "harness": ("core", "simulator", "receiver.signature"),
    "bench": ("core", "receiver", "dashboard", "simulator", "mailpulse", "harness"),
    "tests": OURS,
}


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str, is_package: bool) -> Iterator[str]:
    """The modules of ours that `source` imports, absolute."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        yield from (name for name in names if name.split(".")[0] in OURS)


def graph(root: Path) -> dict[str, set[str]]:
    """Each module of ours and the modules of ours it imports (only those that exist)."""
    files = {
        module_name(path, root): path
        for top in OURS
        if (root / top).is_dir()
        for path in (root / top).rglob("*.py")
    }
    return {
        module: {
            name
            for name in imports(path.read_text(), module, path.name == "__init__.py")
            if name in files and name != module
        }
        for module, path in files.items()
    }


def breaches(edges: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(edges.items()):
        layer = module.split(".")[0]
        for target in sorted(targets):
            own = target.split(".")[0] == layer
            allowed = any(target == a or target.startswith(f"{a}.") for a in ALLOWED[layer])
            if not own and not allowed:
                found.append(f"{module} imports {target}")
    return found


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles between modules (a package's __init__ importing its own modules excepted)."""
    found, state = [], {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if module.startswith(f"{target}."):
                continue  # a module importing its own package's __init__
            if state.get(target) == "open":
                found.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    return found


def test_every_package_imports_only_the_layers_below_it() -> None:
    assert breaches(graph(ROOT)) == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert circles(graph(ROOT)) == []


def dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def write(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return root


@pytest.mark.parametrize(
    ("importer", "source", "imported"),
    [
        ("dashboard/a.py", "from receiver import b\n", "receiver/b.py"),
        ("receiver/a.py", "import dashboard.b\n", "dashboard/b.py"),
        ("bench/a.py", "from tests.b import x\n", "tests/b.py"),
        ("core/a.py", "from mailpulse import b\n", "mailpulse/b.py"),
    ],
)
def test_the_checker_names_an_import_across_the_layers(
    tmp_path, importer, source, imported
) -> None:
    root = write(tmp_path, {importer: source, imported: ""})
    assert breaches(graph(root)) == [f"{dotted(importer)} imports {dotted(imported)}"]


def test_the_checker_finds_a_circle_even_through_relative_imports(tmp_path) -> None:
    root = write(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/a.py": "from core import b\n",
            "core/b.py": "from .c import x\n",
            "core/c.py": "import core.a\n",
        },
    )
    assert circles(graph(root)) == [["core.a", "core.b", "core.c", "core.a"]]
