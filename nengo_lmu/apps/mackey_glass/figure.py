"""The Mackey-Glass figure: each model's validation loss, epoch by epoch."""

import numpy as np


def figure(rows, path):
    """The validation NRMSE of each model after each epoch; saved as PNG.

    Parameters
    ----------
    rows : list of dict
        As `nengo_lmu.apps.mackey_glass.experiment.run` returns them
        (``validation_nrmse`` after each epoch; ``published_nrmse``, drawn
        as a dotted line).
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

    fig, ax = plt.subplots(figsize=(7, 4))
    for row in rows:
        nrmse = np.asarray(row["validation_nrmse"])
        (line,) = ax.plot(np.arange(1, len(nrmse) + 1), nrmse, label=row["model"])
        ax.axhline(row["published_nrmse"], ls=":", lw=0.8, color=line.get_color())
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation NRMSE")
    ax.set_title("Mackey-Glass, 15 steps ahead (dotted: the paper's test NRMSE)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
