"""The computational graph of the LMU cell (no Graphviz: boxes and arrows).

x: the input; u: the memory's input; m: the Legendre memory; h: the hidden
state. Encoders e project onto u, kernels W onto h. Dashed arrows are the
optional connections (named by their KerasLMU option); arrows with a dot
carry the previous step's value (``synapse=0``).
"""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

W, H = 2.4, 0.9
NODES = {  # name: (centre x, centre y, text, colour)
    "x": (-0.2, 0.0, "$x_t$\ninput", "#dddddd"),
    "u": (3.6, 1.6, "$u_t$\nmemory input", "#cfe3f5"),
    "m": (7.4, 1.6, "$m_t$\nLegendre memory", "#f7d9b5"),
    "h": (7.4, -1.6, "$h_t$\nhidden neurons", "#d4ecd0"),
}
# (from, to, label, label position, option or None, arc, delayed)
EDGES = [
    ("x", "u", r"$e_x$", (1.45, 1.15), None, 0.0, False),
    ("u", "m", r"$\bar{B}$", (5.45, 1.75), None, 0.0, False),
    ("m", "u", r"$e_m$", (5.5, 3.2), "memory_to_memory", 0.45, True),
    ("m", "h", r"$W_m$", (7.55, 0.0), None, 0.0, False),
    ("h", "u", r"$e_h$", (5.0, 0.1), "hidden_to_memory", 0.0, True),
    ("x", "h", r"$W_x$", (3.0, -1.25), "input_to_hidden", 0.0, False),
]
LOOPS = [("m", r"$\bar{A}$", None), ("h", r"$W_h$", "hidden_to_hidden")]

fig, ax = plt.subplots(figsize=(9, 4.8))
for cx, cy, text, colour in NODES.values():
    ax.add_patch(
        FancyBboxPatch(
            (cx - W / 2, cy - H / 2),
            W,
            H,
            boxstyle="round,pad=0.06",
            fc=colour,
            ec="k",
            lw=1.2,
            zorder=2,
        )
    )
    ax.text(cx, cy, text, ha="center", va="center", fontsize=11, zorder=3)


def arrow(start, end, option, arc=0.0):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            connectionstyle=f"arc3,rad={arc}",
            arrowstyle="-|>",
            mutation_scale=15,
            lw=1.4,
            color="k",
            ls="--" if option else "-",
            zorder=1,
        )
    )


def edge_point(name, towards):
    """Where the line from a box's centre towards a point leaves the box."""
    cx, cy = NODES[name][:2]
    dx, dy = towards[0] - cx, towards[1] - cy
    scale = min(
        (W / 2 + 0.1) / abs(dx) if dx else float("inf"),
        (H / 2 + 0.1) / abs(dy) if dy else float("inf"),
    )
    return cx + dx * scale, cy + dy * scale


for src, dst, label, (lx, ly), option, arc, delayed in EDGES:
    a, b = NODES[src][:2], NODES[dst][:2]
    if arc:  # leave and enter through the top
        start, end = (a[0] - 0.3, a[1] + H / 2 + 0.1), (b[0] + 0.3, b[1] + H / 2 + 0.1)
    else:
        start, end = edge_point(src, b), edge_point(dst, a)
    arrow(start, end, option, arc)
    ax.text(lx, ly, label, fontsize=13, ha="center")
    if option:
        ax.text(lx, ly - 0.32, option, fontsize=8, color="0.35", ha="center")
    if delayed:
        ax.plot(lx - 0.45, ly + 0.12, "o", color="k", ms=4)

for name, label, option in LOOPS:
    cx, cy = NODES[name][:2]
    x0 = cx + W / 2 + 0.1
    arrow((x0, cy + 0.25), (x0, cy - 0.25), option, arc=-1.8)
    ax.plot(x0 + 0.45, cy, "o", color="k", ms=4, zorder=3)
    ax.text(x0 + 0.65, cy, label, fontsize=13, va="center")
    if option:
        ax.text(x0 + 0.65, cy - 0.4, option, fontsize=8, color="0.35", va="center")

ax.plot([], [], "k-", label="always")
ax.plot([], [], "k--", label="optional (KerasLMU option named)")
ax.plot([], [], "ko", ms=4, label="previous step's value (synapse=0)")
ax.legend(loc="lower left", fontsize=8, frameon=False)
ax.set_xlim(-1.6, 10.2)
ax.set_ylim(-2.4, 3.4)
ax.set_aspect("equal")
ax.axis("off")
