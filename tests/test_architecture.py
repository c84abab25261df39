"""The folder tree of ``sim/`` is its architecture (CONTRIBUTING.md): imports run one way.

Read from the source (``ast``), so a lazy import inside a function counts as much as one at
the top; imports under ``if TYPE_CHECKING:`` do not run and do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[1] / "sim"
#: Lower layers never import higher ones: the scenario knows no model, the model knows no
#: outputs, and none of them knows how replications are run.
LAYERS = ("scenario", "model", "outputs", "running")
#: What the model and the run path must never import: the app, the store, calibration and the
#: layers built on top of the run path.
ABOVE = ("webapp", "calibration", "duckdb", "streamlit", "sim.batch", "sim.staffing",
         "sim.sensitivity", "sim.cli")


def _module(path: Path) -> str:
    parts = list(path.relative_to(SIM.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in SIM.rglob("*.py")}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, at module level) for every import that runs."""
    found: list[tuple[str, bool]] = []

    def visit(nodes: list[ast.stmt], top: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
                continue
            if isinstance(node, ast.Import):
                found.extend((a.name, top) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{a.name}" for a in node.names
                        if f"{node.module}.{a.name}" in MODULES]
                # `from sim.model import rng` imports the module sim.model.rng
                found.extend((m, top) for m in subs or [node.module])
            inner = top and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            for field in ("body", "orelse", "finalbody", "handlers"):
                sub = getattr(node, field, None)
                if isinstance(sub, list):
                    visit(sub, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")).body, True)
    return found


EDGES = {m: _imports(p) for m, p in MODULES.items()}


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "sim" else None


def test_the_tree_has_the_packages_the_architecture_names() -> None:
    flat = sorted(p.name for p in SIM.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "cli.py"]
    for name in (*LAYERS, "theory", "batch", "staffing", "sensitivity"):
        assert (SIM / name / "__init__.py").is_file(), name
    assert len(EDGES) > 80  # the scan really read the package


def test_lower_layers_never_import_higher_ones() -> None:
    wrong = []
    for module, imports in EDGES.items():
        pkg = _package(module)
        if pkg not in LAYERS:
            continue
        for target, _top in imports:
            tpkg = _package(target)
            if tpkg in LAYERS and LAYERS.index(tpkg) > LAYERS.index(pkg):
                wrong.append(f"{module} -> {target}")
            if target.startswith(ABOVE):
                wrong.append(f"{module} -> {target}")
    assert not wrong, wrong


def test_the_model_imports_only_itself_and_the_scenario() -> None:
    seen = {t for m, imports in EDGES.items() if _package(m) == "model" for t, _ in imports
            if t == "sim" or t.startswith("sim.")}
    assert seen and all(_package(t) in ("model", "scenario") for t in seen), seen
    theory = {t for m, imports in EDGES.items() if _package(m) == "theory" for t, _ in imports
              if t == "sim" or t.startswith("sim.")}
    assert all(_package(t) in ("theory", "scenario") for t in theory), theory


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk meets (each closing edge once)."""
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    return cycles


def test_module_level_imports_have_no_cycles() -> None:
    graph = {m: {t for t, top in imports if top and t in MODULES and t != m}
             for m, imports in EDGES.items()}
    # a package's __init__ that re-exports its own modules is no cycle of meaning: skip
    # those, keep every cycle between two modules
    real = [c for c in _cycles(graph) if not any(MODULES[x].name == "__init__.py" for x in c)]
    assert not real, real


def test_a_planted_cycle_and_a_wrong_way_import_are_found(tmp_path: Path) -> None:
    # the checks can fail: a model module importing the run path is seen by the scan
    bad = tmp_path / "bad.py"
    bad.write_text("from sim.running import runner\nimport sim.outputs.kpis\n"
                   "def f():\n    import duckdb\n")
    found = _imports(bad)
    assert ("sim.running.runner", True) in found and ("sim.outputs.kpis", True) in found
    assert ("duckdb", False) in found
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
