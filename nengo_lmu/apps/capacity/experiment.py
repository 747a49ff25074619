"""The capacity experiment: the models run on each T, and their table.

`run` scores LMU-0 exact (all test sequences) and in spiking neurons (the
first few) for each :math:`T`, beside the values read from the paper's
figure (`PUBLISHED`); `lstm_rows` trains and tests the paper's LSTM baseline;
`table` prints the rows. The ``nengo-lmu capacity``
command and ``benchmarks/capacity.py`` both use them. `QUICK` takes half a
minute (the LSTM 100 epochs at T = 100); `FULL` (the paper's four delays,
the spiking memory up to 10,000, the LSTM 500 epochs at T = 100, 400 and
1600) about 30 minutes on 2 cores (the LSTM 25 of them).
"""

import dataclasses
import time

from nengo_lmu.apps.capacity.data import DELAY_FRACTIONS, capacity_data
from nengo_lmu.apps.capacity.lmu0 import ORDER, lmu0_mse, spiking_lmu0_mse
from nengo_lmu.apps.capacity.lstm import UNITS, lstm_mse, train_lstm

# the paper's figure, as read into EXPERIMENTS.md: LMU-0's test MSE from the
# delay T/4 to T
PUBLISHED = {
    100: "about 7e-3 to 2e-2",
    1000: "about 7e-5 to 2e-4",
    10000: "about 8e-7 to 3e-6",
    100000: "about 8e-9 to 1.5e-8; about 1e-6 at the full delay",
}
PUBLISHED_RANGES = {
    100: (7e-3, 2e-2),
    1000: (7e-5, 2e-4),
    10000: (8e-7, 3e-6),
    100000: (8e-9, 1.5e-8),  # T/4 to 3T/4; about 1e-6 at T
}
PUBLISHED_FULL_DELAY = {100000: 1e-6}
# the paper's LSTM (100 units, 500 epochs), from the same figure
LSTM_PUBLISHED = {
    25: "about 5e-3 rising to 7e-2",
    100: "about 1.5e-2 to 6e-2",
    400: "about 1e-1 to 1.5e-1",
    1600: "about 1.5e-1, flat",
}


@dataclasses.dataclass(frozen=True)
class Plan:
    """What an experiment runs.

    Parameters
    ----------
    Ts : tuple of int
        The delays; LMU-0 runs on every one, on all test sequences.
    spiking : tuple of (int, int, int)
        ``(T, neurons per coefficient, test sequences)`` of each spiking run
        (each sequence has its own ``100 * neurons`` neurons).
    lstm : tuple of (int, int)
        ``(T, epochs)`` of each LSTM baseline (`lstm_rows`; needs
        TensorFlow).
    """

    Ts: tuple
    spiking: tuple = ()
    lstm: tuple = ()


QUICK = Plan(Ts=(100, 1000), spiking=((100, 50, 2),), lstm=((100, 100),))
FULL = Plan(
    Ts=(100, 1000, 10000, 100000),
    spiking=(
        (100, 50, 10),
        (100, 200, 10),
        (1000, 50, 10),
        (1000, 200, 10),
        (10000, 200, 2),
    ),
    lstm=((100, 500), (400, 500), (1600, 500)),
)


def run(plan, log=print, progress_bar=False):
    """The rows of the experiment.

    Parameters
    ----------
    plan : Plan
        What to run (`QUICK`, `FULL` or another).
    log : callable or None
        Called with each row as it is done.
    progress_bar : bool
        Show nengo's progress bar of each simulation.

    Returns
    -------
    list of dict
        A row per model and T: ``model``, ``T``, ``delays``, ``test_mse``
        (per delay), ``test_sequences``, ``neurons`` (a sequence's; 0 for
        the exact memory), ``published``, ``data_s``, ``simulation_s``.
    """
    rows = []
    for T in plan.Ts:
        start = time.perf_counter()
        data = capacity_data(T)
        made = time.perf_counter() - start
        runs = [(f"LMU-0 (order {ORDER}, exact memory, nengo)", None, len(data.test))]
        runs += [
            (
                f"LMU-0, memory in {n} spiking ReLU neurons a coefficient "
                "(LegendreMemoryNetwork, 0.1 s synapse)",
                n,
                k,
            )
            for t, n, k in plan.spiking
            if t == T
        ]
        for model, n_neurons, k in runs:
            start = time.perf_counter()
            if n_neurons is None:
                mse = lmu0_mse(data, progress_bar=progress_bar)
            else:
                mse = spiking_lmu0_mse(
                    data, n_neurons, data.test[:k], progress_bar=progress_bar
                )
            rows.append(
                {
                    "model": model,
                    "kind": "lmu0" if n_neurons is None else "spiking",
                    "T": T,
                    "delays": list(data.delays),
                    "test_mse": mse.tolist(),
                    "test_sequences": k,
                    "neurons": 0 if n_neurons is None else ORDER * n_neurons,
                    "published": PUBLISHED.get(T, "-") if n_neurons is None else "-",
                    "data_s": made,
                    "simulation_s": time.perf_counter() - start,
                }
            )
            if log is not None:
                log(rows[-1])
    for T, epochs in plan.lstm:
        rows += lstm_rows([T], epochs, log=log)
    return rows


def lstm_rows(Ts, epochs, log=print, verbose=0):
    """The paper's LSTM baseline (`nengo_lmu.apps.capacity.lstm`), trained and
    tested for each T.

    Parameters
    ----------
    Ts : iterable of int
        The delays (the paper: 25, 100, 400, 1600; here multiples of 4).
    epochs : int
        Training epochs for every T (the paper: 500).
    log : callable or None
        Called with each row as it is done.
    verbose : int
        Keras' training output (1: a progress bar an epoch).

    Returns
    -------
    list of dict
        Rows as `run` gives them, with ``kind`` ``"lstm"``, ``epochs``,
        ``seconds_per_epoch`` and ``parameters``.
    """
    rows = []
    for T in Ts:
        start = time.perf_counter()
        data = capacity_data(T)
        made = time.perf_counter() - start
        start = time.perf_counter()
        model, per_epoch = train_lstm(data, epochs, verbose=verbose)
        rows.append(
            {
                "model": f"LSTM ({UNITS} units, {epochs} epochs)",
                "kind": "lstm",
                "T": T,
                "delays": list(data.delays),
                "test_mse": lstm_mse(model, data).tolist(),
                "test_sequences": len(data.test),
                "neurons": 0,
                "published": LSTM_PUBLISHED.get(T, "-"),
                "data_s": made,
                "simulation_s": time.perf_counter() - start,
                "epochs": epochs,
                "seconds_per_epoch": per_epoch,
                "parameters": int(model.count_params()),
            }
        )
        if log is not None:
            log(rows[-1])
    return rows


def table(rows):
    """The rows as a Markdown table.

    Parameters
    ----------
    rows : list of dict
        As `run` returns them.

    Returns
    -------
    str
    """
    header = [
        "model",
        "T",
        "neurons a sequence",
        "test sequences",
        *[f"MSE at {f:g} T" for f in DELAY_FRACTIONS],
        "paper",
        "data s",
        "run s",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        cells = [
            r["model"],
            f"{r['T']:,}",
            f"{r['neurons']:,}" if r.get("neurons") else "-",
            str(r["test_sequences"]),
            *[f"{m:.2e}" for m in r["test_mse"]],
            r["published"],
            f"{r['data_s']:.1f}",
            f"{r['simulation_s']:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
