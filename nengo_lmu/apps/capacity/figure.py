"""The capacity figure: test MSE against the delay, log-log, as in the paper."""

import numpy as np

from nengo_lmu.apps.capacity.experiment import PUBLISHED_FULL_DELAY, PUBLISHED_RANGES


def figure(rows, path):
    """Draw the experiment's rows and the paper's ranges; save as PNG.

    Each T has a colour: LMU-0 exact as circles, the spiking memories as
    squares (20,000 neurons a sequence and more) or triangles, the LSTM
    baseline as grey diamonds; the paper's
    range for LMU-0 as a band over :math:`T/4` to :math:`T` (to
    :math:`3T/4`, with the full delay's value as a cross, at 100,000).

    Parameters
    ----------
    rows : list of dict
        As `nengo_lmu.apps.capacity.experiment.run` returns them (exact
        rows before spiking ones of the same T).
    path : str or path-like
        Where to write the PNG.

    Returns
    -------
    str or path-like
        ``path``.
    """
    import matplotlib  # pylint: disable=import-outside-toplevel

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    fig, ax = plt.subplots(figsize=(9.5, 4.5))
    colors = {}
    for row in rows:
        delays = np.asarray(row["delays"][1:])
        kind = row.get("kind", "spiking" if row.get("neurons") else "lmu0")
        if kind == "lstm":
            ax.plot(
                delays,
                row["test_mse"][1:],
                "D-.",
                color="0.35",
                label=f"LSTM, T = {row['T']:,}, {row['epochs']} epochs",
            )
            continue
        if kind == "spiking":
            ax.plot(
                delays,
                row["test_mse"][1:],
                "s--" if row["neurons"] >= 20000 else "^:",
                color=colors.get(row["T"]),
                label=f"spiking, T = {row['T']:,}, {row['neurons']:,} neurons",
            )
            continue
        (line,) = ax.plot(
            delays, row["test_mse"][1:], "o-", label=f"LMU-0, T = {row['T']:,}"
        )
        colors[row["T"]] = line.get_color()
        if row["T"] in PUBLISHED_RANGES:
            low, high = PUBLISHED_RANGES[row["T"]]
            last = delays[-2] if row["T"] in PUBLISHED_FULL_DELAY else delays[-1]
            ax.fill_between(
                [delays[0], last], low, high, color=line.get_color(), alpha=0.15
            )
        if row["T"] in PUBLISHED_FULL_DELAY:
            ax.plot(
                delays[-1:],
                [PUBLISHED_FULL_DELAY[row["T"]]],
                "x",
                color=line.get_color(),
                markersize=10,
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("delay (steps)")
    ax.set_ylabel("test MSE")
    ax.set_title("Memory capacity in nengo (bands and x: the paper's figure)")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
