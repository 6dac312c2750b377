"""The layers of docs/architecture.md hold in the source: no module imports a higher layer, no cycle.

The graph is read with ``ast`` from every module of ``src/helpers``, imports
inside functions included (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
import re

from conftest import ROOT

PACKAGE = ROOT / "src" / "helpers"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def declared_layers(text: str) -> dict[str, int]:
    """Module → layer number, from the table under ``## Layers`` (row order is layer order)."""
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    layers: dict[str, int] = {}
    rows = [line for line in section.splitlines() if re.match(r"\|\s*\d+\.", line)]
    for number, row in enumerate(rows, start=1):
        for name in re.findall(r"`([\w]+)`", row.split("|")[2]):
            assert name not in layers, f"{name} is declared in two layers"
            layers[name] = number
    return layers


def imports_of(source: str, modules: set[str]) -> set[str]:
    """Modules of the package that ``source`` imports, wherever the import statement sits."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: `from . import x`, `from .x import y`
                parts = (node.module or "").split(".") if node.module else []
                names = parts[:1] or [a.name for a in node.names]
            elif node.module == "helpers":
                names = [a.name for a in node.names]
                names = [n for n in names if n in modules] or ["__init__"]
            elif node.module and node.module.startswith("helpers."):
                names = [node.module.split(".")[1]]
            else:
                continue
            found.update(n for n in names if n in modules)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("helpers.") and a.name.split(".")[1] in modules)
    return found


def import_graph(package=PACKAGE) -> dict[str, set[str]]:
    modules = {path.stem for path in package.glob("*.py")}
    return {path.stem: imports_of(path.read_text(encoding="utf-8"), modules) - {path.stem}
            for path in sorted(package.glob("*.py"))}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def passed_through(source: str) -> set[str]:
    """Names a module imports from another module of the package without defining them itself."""
    defined, imported = set(), set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                defined.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpers."):
            imported.update(a.asname or a.name for a in node.names)
    return imported - defined


def second_hand_imports(files, package=PACKAGE) -> list[str]:
    """``from helpers.x import name`` where ``x`` only imported ``name``: one definition, one import path."""
    through = {path.stem: passed_through(path.read_text(encoding="utf-8")) for path in package.glob("*.py")}
    found = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpers."):
                module = node.module.split(".")[1]
                found += [f"{path.name}:{node.lineno}: {a.name} from helpers.{module}"
                          for a in node.names if a.name in through.get(module, ())]
    return found


GRAPH = import_graph()
LAYERS = declared_layers(ARCHITECTURE.read_text(encoding="utf-8"))


def test_every_module_has_one_layer():
    assert set(LAYERS) == set(GRAPH), (f"undeclared: {sorted(set(GRAPH) - set(LAYERS))}, "
                                       f"declared but absent: {sorted(set(LAYERS) - set(GRAPH))}")


def test_no_module_imports_a_higher_layer():
    upward = [f"{module} (layer {LAYERS[module]}) imports {other} (layer {LAYERS[other]})"
              for module, deps in GRAPH.items() for other in sorted(deps) if LAYERS[other] > LAYERS[module]]
    assert not upward, "\n".join(upward)


def test_no_import_cycle():
    assert cycles(GRAPH) == []


def test_every_name_is_imported_from_where_it_is_defined():
    files = sorted(PACKAGE.glob("*.py")) + sorted((ROOT / "tests").glob("*.py"))
    assert second_hand_imports(files) == []


# ---- the checks themselves, on hand-written graphs and sources --------------------------


def test_lazy_and_package_imports_are_edges():
    source = ("from helpers import fmt, PROJECT_ROOT\nimport helpers.load as ld\n"
              "def f():\n    from helpers.codebook import Question\n    from . import outputs\n")
    assert imports_of(source, {"fmt", "load", "codebook", "outputs", "render"}) == {"fmt", "load", "codebook",
                                                                                     "outputs"}
    assert imports_of("from helpers import PROJECT_ROOT\n", {"__init__", "fmt"}) == {"__init__"}


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_layer_table_is_read_in_row_order():
    text = "## Layers\n\n| layer | modules |\n|---|---|\n| 1. base | `a` `b` |\n| 2. top | `c` |\n\n## Next\n| 3. x | `z` |\n"
    assert declared_layers(text) == {"a": 1, "b": 1, "c": 2}


def test_a_second_hand_import_is_found(tmp_path):
    (tmp_path / "low.py").write_text("X = 1\n")
    (tmp_path / "mid.py").write_text("from helpers.low import X\nY = X\n")
    user = tmp_path / "user.py"
    user.write_text("from helpers.mid import X, Y\nfrom helpers.low import X\n")
    assert second_hand_imports([user], tmp_path) == ["user.py:1: X from helpers.mid"]


def readme_layers(text: str) -> dict[str, int]:
    """Module → layer number, from the README's layout (``src/helpers/`` and its five layers)."""
    block = text.split("src/helpers/", 1)[1].split("\ntests/", 1)[0]
    block = re.sub(r"\([^)]*\)", " ", block.replace("\n", " "))  # the asides name no module
    labels = ["foundations", "reading", "statistics", "presentation", "entry points"]
    starts = [block.index(label) for label in labels] + [len(block)]
    return {word: number for number, label in enumerate(labels, start=1)
            for word in re.findall(r"[a-z_]+", block[starts[number - 1] + len(label):starts[number]])
            if word in GRAPH}


def test_the_readme_lists_every_module_in_its_layer():
    listed = readme_layers((ROOT / "README.md").read_text(encoding="utf-8"))
    assert listed == {name: layer for name, layer in LAYERS.items() if name not in ("__init__", "__main__")}
