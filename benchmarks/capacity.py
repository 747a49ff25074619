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

Beside each row: the values read from the paper's figure
(``../shared/design/EXPERIMENTS.md``), the seconds to make the data and to
simulate. The figure (``docs/benchmarks/capacity.png``,
`nengo_lmu.apps.capacity.figure`) plots the test MSE against the delay,
log-log, with the paper's ranges.

Usage::

    python benchmarks/capacity.py            # writes docs/benchmarks/capacity.*
    python benchmarks/capacity.py --quick    # experiment.QUICK, writes nothing
    python benchmarks/capacity.py --figure   # redraws the figure from the JSON
"""

import argparse
import time

from nengo_lmu.apps.capacity import experiment
from nengo_lmu.apps.capacity.figure import figure

import _common as common
from _common import write_results


def markdown(rows, env):
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
            experiment.table(rows),
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
    args = parser.parse_args()
    if args.figure:
        record = common.read_json(common.RESULTS / "capacity.json")
        figure(record["results"], common.RESULTS / "capacity.png")
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


if __name__ == "__main__":
    main()
