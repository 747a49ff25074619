"""The parts of nengo-lmu and the imports between them, drawn from the code.

Each box is a sub-package (a part of the design) with its modules; each
arrow an import, from the part that uses to the part it uses. Parts on a
floor use only parts on lower floors (`import_graph.layers`). The graph is
read from the source at build time (``docs/import_graph.py``), so the figure
cannot drift from the code.
"""

import ast
import sys
from pathlib import Path

import matplotlib.pyplot as plt

sys.path.insert(0, str(Path.cwd()))  # docs/, the plot directive's directory
import import_graph  # noqa: E402

known = import_graph.modules()
graph = import_graph.part_graph(known)
floors = import_graph.layers(graph)
# a version string, not a part of the design (the command line reads it)
graph.pop("nengo_lmu.version")
graph = {
    part: [t for t in targets if t != "nengo_lmu.version"]
    for part, targets in graph.items()
}
floors = [[p for p in floor if p in graph] for floor in floors]


def role(part):
    """The first line of the part's docstring, up to its colon."""
    text = known[part].read_text(encoding="utf-8")
    first = ast.get_docstring(ast.parse(text)).splitlines()[0]
    return first.split(":")[0].rstrip(".").replace("`", "")


def wrap(text, width):
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + len(word) > width:
            lines.append(line.rstrip())
            line = ""
        line += word + " "
    return "\n".join(lines + [line.rstrip()])


def members(part):
    names = sorted(
        n.rsplit(".", 1)[-1]
        for n in known
        if import_graph.part(n) == part and n != part and n.count(".") == 2
    )
    return names or [part.rsplit(".", 1)[-1] + ".py"]


WIDTH, HEIGHT, GAP = 4.0, 1.5, 0.4
fig, ax = plt.subplots(figsize=(12, 2.0 * len(floors)))
centre = {}
for level, floor in enumerate(floors):
    total = len(floor) * WIDTH + (len(floor) - 1) * GAP
    for i, part in enumerate(floor):
        x = -total / 2 + i * (WIDTH + GAP)
        y = level * (HEIGHT + 0.9)
        centre[part] = (x + WIDTH / 2, y + HEIGHT / 2)
        ax.add_patch(
            plt.Rectangle(
                (x, y), WIDTH, HEIGHT, facecolor="#e8eef7", edgecolor="#2b5797", lw=1.2
            )
        )
        name = part.rsplit(".", 1)[-1] + (
            "/" if known[part].name == "__init__.py" else ""
        )
        ax.text(x + 0.12, y + HEIGHT - 0.12, name, va="top", weight="bold", size=10)
        ax.text(
            x + 0.12,
            y + HEIGHT - 0.42,
            wrap(role(part), 46),
            va="top",
            size=7.5,
            style="italic",
        )
        ax.text(
            x + 0.12,
            y + 0.1,
            wrap(", ".join(members(part)), 50),
            va="bottom",
            size=7.5,
            color="#333333",
        )
for part, targets in graph.items():
    for target in targets:
        (x0, y0), (x1, y1) = centre[part], centre[target]
        ax.annotate(
            "",
            xy=(x1, y1 + HEIGHT / 2),
            xytext=(x0, y0 - HEIGHT / 2),
            arrowprops=dict(arrowstyle="->", color="#555555", lw=0.9, alpha=0.8),
        )
widest = max(len(f) for f in floors) * (WIDTH + GAP)
ax.set_xlim(-widest / 2 - 0.2, widest / 2 + 0.2)
ax.set_ylim(-0.3, len(floors) * (HEIGHT + 0.9))
ax.axis("off")
