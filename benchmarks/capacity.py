"""The LMU paper's memory capacity task in nengo: recall white noise T steps back.

What is measured
----------------
For each delay T (``--T``; the paper's 100, 1000, 10,000 and 100,000), the
test mean squared error at the delays 0, T/4, T/2, 3T/4 and T of

``LMU-0``
    the paper's untrained LMU: a `nengo_lmu.LegendreMemory` of order 100
    and window T - 0.5 steps, read out by the exact Legendre decoders,
    simulated in nengo core (`nengo_lmu.apps.capacity.lmu0`), on the
    task's 100 test sequences of 2.5 T steps (`nengo_lmu.apps.capacity.data`).

``LMU-0, memory in n spiking ReLU neurons``
    the same memory in a `nengo_lmu.LegendreMemoryNetwork` (``n`` neurons
    a coefficient, 100 n a sequence) at T = 100, 1000 and 10,000, on the
    first 10 (at 10,000: 2) test sequences, read out the same way.

Beside each row: the values read from the paper's figure
(``../shared/design/EXPERIMENTS.md``), the seconds to make the data and to
simulate. The figure (``docs/benchmarks/capacity.png``) plots the test
MSE against the delay, log-log, with the paper's ranges.

Usage::

    python benchmarks/capacity.py                    # writes docs/benchmarks/capacity.*
    python benchmarks/capacity.py --quick            # T = 100 and 1000, writes nothing
    python benchmarks/capacity.py --figure           # redraws the figure from the JSON
"""

import argparse
import time

import numpy as np

from nengo_lmu.apps.capacity import (
    DELAY_FRACTIONS,
    capacity_data,
    lmu0_mse,
    spiking_lmu0_mse,
)
from nengo_lmu.apps.capacity.lmu0 import ORDER

import _common as common
from _common import markdown_table, write_results

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


# the spiking memory: (T, neurons per coefficient, test sequences); each
# sequence has its own 100 x n neurons, so the longer runs score fewer
SPIKING = ((100, 50, 10), (100, 200, 10), (1000, 50, 10), (1000, 200, 10), (10000, 200, 2))


def lmu0_rows(Ts, spiking):
    rows = []
    for T in Ts:
        start = time.perf_counter()
        data = capacity_data(T)
        made = time.perf_counter() - start
        runs = [("LMU-0 (order 100, exact memory, nengo)", None, len(data.test))]
        runs += [
            (
                f"LMU-0, memory in {n} spiking ReLU neurons a coefficient "
                "(LegendreMemoryNetwork, 0.1 s synapse)",
                n,
                k,
            )
            for t, n, k in spiking
            if t == T
        ]
        for model, n_neurons, k in runs:
            start = time.perf_counter()
            if n_neurons is None:
                mse = lmu0_mse(data)
            else:
                mse = spiking_lmu0_mse(data, n_neurons, data.test[:k])
            simulated = time.perf_counter() - start
            rows.append(
                {
                    "model": model,
                    "T": T,
                    "delays": list(data.delays),
                    "test_mse": mse.tolist(),
                    "test_sequences": k,
                    "neurons": 0 if n_neurons is None else ORDER * n_neurons,
                    "published": PUBLISHED.get(T, "-") if n_neurons is None else "-",
                    "data_s": made,
                    "simulation_s": simulated,
                    "trained_parameters": 0,
                }
            )
            print(rows[-1], flush=True)
    return rows


def figure(rows, path):
    import matplotlib  # pylint: disable=import-outside-toplevel

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    fig, ax = plt.subplots(figsize=(9.5, 4.5))
    colors = {}
    for row in rows:
        delays = np.asarray(row["delays"][1:])
        if row.get("neurons"):
            ax.plot(
                delays,
                row["test_mse"][1:],
                "s--" if row["neurons"] > 10000 else "^:",
                color=colors[row["T"]],
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


def markdown(rows, env):
    table = markdown_table(
        ["model", "T", "neurons a sequence", "test sequences",
         *[f"MSE at {f:g} T" for f in DELAY_FRACTIONS], "paper", "data s",
         "simulation s"],
        [
            [
                r["model"],
                f"{r['T']:,}",
                f"{r.get('neurons', 0):,}" if r.get("neurons") else "-",
                str(r["test_sequences"]),
                *[f"{m:.2e}" for m in r["test_mse"]],
                r["published"],
                f"{r['data_s']:.1f}",
                f"{r['simulation_s']:.1f}",
            ]
            for r in rows
        ],
    )
    return "\n".join(
        [
            "# Memory capacity",
            "",
            f"Produced by `{env['command']}` on {env['date']} in "
            f"{common.duration(env['elapsed_s'])}.  ",
            f"Machine: {common.machine_text(env)}, "
            f"{common.versions_text(env, ['numpy', 'scipy', 'nengo'])}.",
            "",
            "Test mean squared error over the test sequences (2.5 T steps of "
            "10 Hz white noise at a step of 1/T s, each scaled to a peak of 1), "
            "on steps T to the end. LMU-0 is not trained: its memory and readout "
            "are the mathematics (order 100, window T - 0.5 steps). The spiking "
            "rows run the same discrete memory in a `LegendreMemoryNetwork` "
            "(spiking ReLU neurons, each coefficient scaled for white noise of "
            "the training sequences' RMS) on the first test sequences, and read "
            "it out with the same Legendre decoders.",
            "",
            table,
            "",
            "![Test MSE against the delay](capacity.png)",
            "",
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--T", type=int, nargs="+", default=[100, 1000, 10000, 100000])
    parser.add_argument(
        "--figure",
        action="store_true",
        help="only redraw docs/benchmarks/capacity.png from capacity.json",
    )
    args = parser.parse_args()
    if args.figure:
        figure(common.read_json(common.RESULTS / "capacity.json")["results"],
               common.RESULTS / "capacity.png")
        return
    start = time.perf_counter()
    Ts = [100, 1000] if args.quick else args.T
    spiking = ((100, 50, 2), (1000, 50, 1)) if args.quick else SPIKING
    rows = lmu0_rows(Ts, spiking)
    env = common.environment(__file__)
    env["elapsed_s"] = time.perf_counter() - start
    report = markdown(rows, env)
    print(report)
    if not args.quick:
        figure(rows, common.RESULTS / "capacity.png")
        write_results(
            {"command": env["command"], "environment": env, "results": rows},
            report,
            common.RESULTS / "capacity.json",
            common.RESULTS / "capacity.md",
        )


if __name__ == "__main__":
    main()
