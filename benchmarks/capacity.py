"""The LMU paper's memory capacity task in nengo: recall white noise T steps back.

What is measured
----------------
For each delay T (the paper's 100, 1000, 10,000 and 100,000), the test mean
squared error at the delays 0, T/4, T/2, 3T/4 and T of
(`nengo_lmu.apps.capacity.experiment.FULL`):

``LMU-0``
    the paper's untrained LMU: a `nengo_lmu.LegendreMemory` of order 100
    and window T - 0.5 steps, read out by the exact Legendre decoders,
    simulated in nengo core (`nengo_lmu.apps.capacity.lmu0`), on the
    task's 100 test sequences of 2.5 T steps (`nengo_lmu.apps.capacity.data`);
``LMU-0, memory in n spiking ReLU neurons``
    the same memory in a `nengo_lmu.LegendreMemoryNetwork` (``n`` neurons
    a coefficient, 100 n a sequence) at T = 100, 1000 and 10,000, on the
    first 10 (at 10,000: 2) test sequences, read out the same way.

``LSTM``
    the paper's baseline (`nengo_lmu.apps.capacity.lstm`), trained with
    ``--lstm`` (one T at a time, each added to the record as it finishes).

Beside each row: the values read from the paper's figure
(``../shared/design/EXPERIMENTS.md``), the seconds to make the data and to
simulate. The figure (``docs/benchmarks/capacity.png``,
`nengo_lmu.apps.capacity.figure`) plots the test MSE against the delay,
log-log, with the paper's ranges.

Usage::

    python benchmarks/capacity.py            # writes docs/benchmarks/capacity.*
    python benchmarks/capacity.py --quick    # experiment.QUICK, writes nothing
    python benchmarks/capacity.py --figure   # redraws the figure from the JSON
    python benchmarks/capacity.py --lstm [T ...] [--epochs 500]
                                             # adds the LSTM baseline's rows
"""

import argparse
import time

from nengo_lmu.apps.capacity import experiment
from nengo_lmu.apps.capacity.figure import figure

import _common as common
from _common import write_results


KIND_ORDER = {"lmu0": 0, "spiking": 1, "lstm": 2}


def kind(row):
    """``"lmu0"``, ``"spiking"`` or ``"lstm"`` (records before ``kind``: from
    the neuron count)."""
    return row.get("kind") or ("spiking" if row.get("neurons") else "lmu0")


def ordered(rows):
    """By T, and within a T the exact memory, the spiking ones, the LSTM."""
    return sorted(rows, key=lambda r: (r["T"], KIND_ORDER[kind(r)]))


def markdown(rows, env, lstm_runs=()):
    lstm = [
        f"LSTM rows: `{run['command']}` on {run['date']}, {run['epochs']} epochs at "
        f"T = {run['T']:,} ({run['seconds_per_epoch']:.2f} s an epoch; "
        f"{common.versions_text(run['environment'], ['tensorflow'])}).  "
        for run in lstm_runs
    ]
    if lstm:
        lstm.append(
            "The paper trained its LSTM 500 epochs at T = 25 to 1600; at T = 25 the "
            "delays T/4, T/2, 3T/4 are rounded to whole steps (0, 6, 12, 19, 25).  "
        )
    return "\n".join(
        [
            "# Memory capacity",
            "",
            f"Produced by `{env['command']}` on {env['date']} in "
            f"{common.duration(env['elapsed_s'])}.  ",
            *lstm,
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
            "it out with the same Legendre decoders. The LSTM (100 units and a "
            "linear readout of the 5 delays, 41,305 parameters; Adam, MSE on the "
            "scored steps, batch 50) is trained on the 100 training sequences.",
            "",
            experiment.table(ordered(rows)),
            "",
            "![Test MSE against the delay](capacity.png)",
            "",
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--figure",
        action="store_true",
        help="only redraw docs/benchmarks/capacity.png from capacity.json",
    )
    parser.add_argument(
        "--lstm",
        type=int,
        nargs="*",
        metavar="T",
        help="train the LSTM baseline at these T (default 100 400 1600), each "
        "added to docs/benchmarks/capacity.json as it finishes",
    )
    parser.add_argument("--epochs", type=int, default=500, help="LSTM epochs")
    args = parser.parse_args()
    if args.figure:
        record = common.read_json(common.RESULTS / "capacity.json")
        figure(ordered(record["results"]), common.RESULTS / "capacity.png")
        return
    if args.lstm is not None:
        add_lstm(args.lstm or [100, 400, 1600], args.epochs)
        return
    start = time.perf_counter()
    rows = experiment.run(experiment.QUICK if args.quick else experiment.FULL)
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


def add_lstm(Ts, epochs):
    """Train and test the LSTM at each T; add each row to the record at once."""
    path = common.RESULTS / "capacity.json"
    for T in Ts:
        record = common.read_json(path)
        if record is None:
            raise SystemExit(f"no {path}: run `python benchmarks/capacity.py` first")
        (row,) = experiment.lstm_rows([T], epochs)
        env = common.environment(__file__)
        record["results"] = [
            r for r in record["results"] if not (kind(r) == "lstm" and r["T"] == T)
        ] + [row]
        runs = [r for r in record.get("lstm_runs", []) if r["T"] != T]
        record["lstm_runs"] = runs + [
            {
                "command": env["command"],
                "date": env["date"],
                "T": T,
                "epochs": epochs,
                "seconds_per_epoch": row["seconds_per_epoch"],
                "environment": env,
            }
        ]
        record["lstm_runs"].sort(key=lambda r: r["T"])
        report = markdown(record["results"], record["environment"], record["lstm_runs"])
        figure(ordered(record["results"]), common.RESULTS / "capacity.png")
        write_results(record, report, path, common.RESULTS / "capacity.md")


if __name__ == "__main__":
    main()
