"""The package's import graph, read from its source (nothing is imported).

Used by ``tests/test_architecture.py`` (no import circle) and by the
architecture figure of the documentation (``pyplots/architecture.py``), so
that the figure shows the arrows the code has.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "nengo_lmu"


def module_name(path):
    """The dotted name of a source file of the package.

    Parameters
    ----------
    path : pathlib.Path
        A ``.py`` file under the package.

    Returns
    -------
    str
        ``nengo_lmu.cell.cell`` for ``nengo_lmu/cell/cell.py``; a package's
        ``__init__.py`` is the package.
    """
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules():
    """Every module of the package and its source file.

    Returns
    -------
    dict of str to pathlib.Path
    """
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name, known):
    """The package's modules that module ``name`` imports, anywhere in it.

    Imports inside functions (lazy imports) count too. ``from package import
    submodule`` imports the submodule.

    Parameters
    ----------
    name : str
        A module of ``known``.
    known : dict of str to pathlib.Path
        The package's modules (`modules`).

    Returns
    -------
    set of str
        The modules of ``known`` that ``name`` imports (not itself).
    """
    path = known[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def part(name):
    """The part of the design that a module belongs to.

    Parameters
    ----------
    name : str
        A module of the package.

    Returns
    -------
    str
        Its sub-package (``nengo_lmu.cell`` for ``nengo_lmu.cell.cell``), or
        the module itself at the top level.
    """
    return ".".join(name.split(".")[:2])


def is_reexport(path):
    """Whether a top-level module is a former module path kept as re-exports.

    Parameters
    ----------
    path : pathlib.Path
        A module's source file.

    Returns
    -------
    bool
    """
    return path.parent == PACKAGE and "The former ``nengo_lmu." in path.read_text(
        encoding="utf-8"
    )


def part_graph(known=None):
    """The imports between the parts of the design.

    The top-level package (which imports every part to export its names)
    and the former module paths (re-exports) are left out: they stand above
    every part.

    Parameters
    ----------
    known : dict of str to pathlib.Path, optional
        The package's modules (`modules` by default).

    Returns
    -------
    dict of str to set of str
        For each part, the parts it imports (every part is a key).
    """
    known = modules() if known is None else known
    left_out = {"nengo_lmu"} | {n for n, p in known.items() if is_reexport(p)}
    graph = {part(n): set() for n in known if n not in left_out}
    for name in known:
        if name in left_out:
            continue
        for target in imports_of(name, known):
            if target not in left_out and part(target) != part(name):
                graph[part(name)].add(part(target))
    return graph


def find_cycle(graph):
    """A cycle of ``graph``, or None.

    Parameters
    ----------
    graph : dict of str to set of str
        Each node's successors.

    Returns
    -------
    list of str or None
        The nodes of one cycle, the first repeated at the end.
    """
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, path + [nxt])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [node])
            if cycle:
                return cycle
    return None


def layers(graph):
    """The parts sorted into floors: each uses only parts on lower floors.

    Parameters
    ----------
    graph : dict of str to set of str
        An acyclic `part_graph`.

    Returns
    -------
    list of list of str
        Floor 0 (imports no other part) first.
    """
    floor = {}

    def height(node):
        if node not in floor:
            floor[node] = 1 + max((height(n) for n in graph[node]), default=-1)
        return floor[node]

    for node in graph:
        height(node)
    return [
        sorted(n for n in graph if floor[n] == level)
        for level in range(max(floor.values()) + 1)
    ]
