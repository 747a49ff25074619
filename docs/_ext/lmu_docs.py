"""Sphinx directives of the nengo-lmu documentation.

``public-names``
    A table of every name in ``nengo_lmu.__all__``, each linked to where the
    API reference documents it, with the first line of its docstring. After
    reading all pages, the build warns (an error with ``-W``) about any public
    name that no page documents, so that a new public name cannot go
    undocumented.

``benchmark-summary``
    A table of the Markdown files in ``benchmarks/``: the title, the command
    that wrote it and the machine it ran on, read from the file and the JSON
    beside it (which the benchmark scripts write).
"""

import importlib
import json
import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

PACKAGE = "nengo_lmu"


def _canonical(name):
    """``module.name`` where the object of ``nengo_lmu.<name>`` is defined."""
    package = importlib.import_module(PACKAGE)
    obj = getattr(package, name)
    module = getattr(obj, "__module__", None)
    if not (isinstance(module, str) and module.startswith(PACKAGE + ".")):
        # a constant (a tuple has no __module__): the module that assigns it
        module = _defining_module(name, obj)
    return f"{module}.{name}"


def _defining_module(name, obj):
    package = importlib.import_module(PACKAGE)
    for path in sorted(Path(package.__file__).parent.glob("*.py")):
        module_name = f"{PACKAGE}.{path.stem}"
        if path.stem.startswith("_"):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(rf"^{re.escape(name)}\s*=", text, re.MULTILINE):
            module = importlib.import_module(module_name)
            if getattr(module, name, None) is obj:
                return module_name
    raise ValueError(f"cannot find where {PACKAGE}.{name} is defined")


def _summary(obj):
    if isinstance(obj, (tuple, int, float, str)):
        return f"a constant, ``{obj!r}``"
    doc = getattr(obj, "__doc__", None) or ""
    if not doc.strip():
        return ""
    first = []
    for line in doc.strip().splitlines():
        if not line.strip():
            break
        first.append(line.strip())
    return " ".join(first)


def _table(header, rows, widths):
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    return lines


class PublicNames(SphinxDirective):
    """The table of ``nengo_lmu.__all__``."""

    def run(self):
        package = importlib.import_module(PACKAGE)
        rows = []
        for name in sorted(package.__all__, key=str.lower):
            if name.startswith("__"):
                continue
            target = _canonical(name)
            summary = _summary(getattr(package, name)) or " "
            rows.append((f":py:obj:`{PACKAGE}.{name} <{target}>`", summary))
        lines = _table(("name", "what it is"), rows, "35 65")
        return self._parse(lines)

    def _parse(self, lines):
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=""), 0, container)
        return container.children


def _environment(md_path):
    """(command, date, machine) of one benchmark file."""
    text = md_path.read_text(encoding="utf-8")
    produced = re.search(r"Produced by `([^`]+)` on (\S+?)( in |[ .(])", text)
    command = produced.group(1) if produced else ""
    date = produced.group(2)[:10] if produced else ""
    machine = ""
    json_path = md_path.with_suffix(".json")
    if json_path.exists():
        data = json.loads(json_path.read_text(encoding="utf-8"))
        env = data.get("environment", {}) if isinstance(data, dict) else {}
        cpu = env.get("cpu_model") or env.get("cpu") or ""
        cores = env.get("cpu_count") or env.get("cores")
        if cpu or cores:
            machine = ", ".join(str(x) for x in (cpu, cores and f"{cores} cores") if x)
        command = command or env.get("command", "")
    if not machine:
        found = re.search(r"\(([^()]*\bcores?\b[^()]*)\)", text)
        machine = found.group(1) if found else "not recorded"
    return command, date, machine


class BenchmarkSummary(SphinxDirective):
    """The table of ``benchmarks/*.md``."""

    def run(self):
        folder = Path(self.env.srcdir) / "benchmarks"
        rows = []
        for md_path in sorted(folder.glob("*.md")):
            self.env.note_dependency(str(md_path))
            title = md_path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
            command, date, machine = _environment(md_path)
            rows.append(
                (
                    f":doc:`{title} <benchmarks/{md_path.stem}>`",
                    f"``{command}``" if command else "not recorded",
                    date or " ",
                    machine,
                )
            )
        lines = _table(("results", "command", "date", "machine"), rows, "30 40 10 20")
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=""), 0, container)
        return container.children


def check_public_names(app, env):
    """Warn about public names that no page documents."""
    package = importlib.import_module(PACKAGE)
    documented = env.get_domain("py").objects
    for name in package.__all__:
        if name.startswith("__"):
            continue
        target = _canonical(name)
        if target not in documented:
            logger.warning(
                "%s.%s (defined as %s) is public but no page documents it; "
                "add its module to docs/api/",
                PACKAGE,
                name,
                target,
            )


def setup(app):
    app.add_directive("public-names", PublicNames)
    app.add_directive("benchmark-summary", BenchmarkSummary)
    app.connect("env-check-consistency", check_public_names)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
