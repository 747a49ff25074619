"""The Mackey-Glass experiment: the three models trained alike, and their table.

`run` trains the paper's LMU, LSTM and hybrid (`.models`) with one plan
(`QUICK`: a shorter task and few epochs, a minute or two on 2 cores;
`FULL`: the paper's 128 series of 5000 steps and 500 epochs, about an hour
a model here) and measures each one's test NRMSE; `table` prints the
rows. The ``nengo-lmu mackey-glass`` command uses them;
``benchmarks/mackey_glass.py`` keeps the full run's record.
"""

import dataclasses
import functools

import numpy as np

from nengo_lmu.apps.mackey_glass.data import BASELINE_NRMSE, mackey_glass_task
from nengo_lmu.apps.mackey_glass.models import (
    hybrid_stack,
    lmu_stack,
    lstm_stack,
    parameter_counts,
)
from nengo_lmu.apps.mackey_glass.training import train

# model name -> (label, builder, the paper's test NRMSE on the corrected task)
MODELS = {
    "lmu": ("LMU: 4 x LMUCell(49, order 4, theta 4 steps)", lmu_stack, 0.04873),
    "lstm": ("LSTM: 4 x LSTM(25)", lstm_stack, 0.05872),
    "hybrid": ("hybrid: LMU(40), LSTM(25), LMU(40), LSTM(25)", hybrid_stack, 0.04473),
    # the same LMU with KerasLMU's initial weights instead of the paper's
    "lmu_keraslmu": (
        "LMU, KerasLMU's initial weights",
        functools.partial(lmu_stack, initializers="keraslmu"),
        0.04873,
    ),
}
# the paper's comparison; `MODELS` also has the LMU's initialisation ablation
PAPER_MODELS = ("lmu", "lstm", "hybrid")


@dataclasses.dataclass(frozen=True)
class Plan:
    """What an experiment trains.

    Parameters
    ----------
    n_series : int
        Series of the task (a multiple of 4; the paper: 128).
    steps : int
        Steps of each (the paper: 5000).
    epochs : int
        Training epochs of every model (the paper: 500).
    models : tuple of str
        Keys of `MODELS` (by default the paper's three, `PAPER_MODELS`).
    """

    n_series: int
    steps: int
    epochs: int
    models: tuple = PAPER_MODELS


QUICK = Plan(n_series=32, steps=1000, epochs=30)
FULL = Plan(n_series=128, steps=5000, epochs=500)


def run(plan, log=print, checkpoints=None):
    """Train every model of the plan alike; a row each.

    Parameters
    ----------
    plan : Plan
        What to train.
    log : callable or None
        Called with a line after each model.
    checkpoints : path-like, optional
        A folder for each model's training state (`.training.train`'s
        ``checkpoint``), so that an interrupted run continues.

    Returns
    -------
    list of dict
        ``model``, ``key``, ``test_nrmse``, ``published_nrmse``, ``epochs``,
        ``best_epoch``, ``parameters``, ``seconds_per_epoch``,
        ``validation_nrmse`` (after each epoch).
    """
    from pathlib import Path  # pylint: disable=import-outside-toplevel

    task = mackey_glass_task(plan.n_series, plan.steps)
    # the validation loss is an MSE; over the targets' mean square, the NRMSE
    target_mean_square = float(np.mean(task["validation"][1] ** 2))
    rows = []
    for key in plan.models:
        label, make, published = MODELS[key]
        net = make()
        checkpoint = None
        if checkpoints is not None:
            Path(checkpoints).mkdir(parents=True, exist_ok=True)
            checkpoint = Path(checkpoints) / f"{key}_{plan.epochs}_epochs.npz"
        result = train(net, task, plan.epochs, checkpoint=checkpoint)
        rows.append(
            {
                "model": label,
                "key": key,
                "test_nrmse": result.test_nrmse,
                "published_nrmse": published,
                "epochs": plan.epochs,
                "best_epoch": result.best_epoch,
                "parameters": parameter_counts(net)["total"],
                "seconds_per_epoch": result.seconds_per_epoch,
                "validation_nrmse": np.sqrt(
                    np.asarray(result.validation_loss) / target_mean_square
                ).tolist(),
            }
        )
        if log is not None:
            log(f"{label}: test NRMSE {result.test_nrmse:.2%}")
    return rows


def table(rows, plan):
    """The rows as a Markdown table, the plan above it.

    Parameters
    ----------
    rows : list of dict
        As `run` returns them.
    plan : Plan
        The plan they were trained with.

    Returns
    -------
    str
    """
    lines = [
        f"{plan.n_series} series of {plan.steps} steps, {plan.epochs} epochs each "
        f"(the paper: 128 of 5000, 500 epochs); the input itself as the "
        f"prediction: {BASELINE_NRMSE:.1%}",
        "",
        "| model | test NRMSE | paper (500 epochs) | best epoch | parameters "
        "| s an epoch |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['test_nrmse']:.2%} | {r['published_nrmse']:.3%} | "
            f"{r['best_epoch']} | {r['parameters']:,} | {r['seconds_per_epoch']:.1f} |"
        )
    return "\n".join(lines)
