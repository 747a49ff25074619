"""Evaluate saved psMNIST parameters without training, one stage at a time.

`benchmarks/psmnist.py` trains and evaluates in one run; this script
evaluates a saved model (by default the one the package ships) with the
settings stored in its file, changed by ``--set``, and adds each result to
``docs/benchmarks/psmnist_evaluations.json`` (command, date, settings,
accuracy, images, seconds), which ``docs/benchmarks/psmnist_evaluations.md``
renders.

Stages (`nengo_lmu.psmnist.Pipeline`):

``rate``
    the whole temporal network, rate neurons (`Pipeline.evaluate`);
``spiking``
    the whole temporal network, spiking hidden neurons, exact memory;
``window``
    the spiking hidden neurons over the last ``window`` steps, fed the exact
    memory in closed form (`Pipeline.evaluate_window`);
``fully_spiking``
    the whole temporal network with the memory in spiking neurons too.

Test images are taken from ``--start`` on, ``--chunk`` at a time (each chunk
prints a running total, so a long run shows progress).

Usage::

    python benchmarks/psmnist_evaluate.py --stage window --n 10000
    python benchmarks/psmnist_evaluate.py --params model.npz --stage fully_spiking --n 1000
"""

import argparse
import dataclasses
import time
from pathlib import Path

from nengo_lmu.cell import LMUClassifier
from nengo_lmu.apps.psmnist import with_settings
from nengo_lmu.io import load_parameters
from nengo_lmu.apps.psmnist import PRETRAINED, Pipeline, Settings

import _common as common
from _common import markdown_table, read_json, write_results

RECORD = common.RESULTS / "psmnist_evaluations"  # .json and .md
STAGES = ("rate", "spiking", "window", "fully_spiking")


def evaluate(pipeline, weights, stage, n):
    """Accuracy and images of one stage on the pipeline's test images."""
    if stage == "window":
        return pipeline.evaluate_window(weights, n)
    kwargs = {
        "rate": {},
        "spiking": dict(spiking=True),
        "fully_spiking": dict(neural_memory=True),
    }[stage]
    return pipeline.evaluate(weights, n, **kwargs)


def markdown(records):
    """The report: every evaluation recorded, oldest first.

    Parameters
    ----------
    records : list of dict
        The contents of ``psmnist_evaluations.json``.
    """
    table = markdown_table(
        [
            "model",
            "stage",
            "accuracy",
            "test images",
            "seconds",
            "settings changed",
            "command",
            "date",
        ],
        [
            [
                f"{r['model']} (order {r['settings']['order']})",
                r["stage"],
                f"{100 * r['accuracy']:.2f}%",
                f"{r['images']} (from {r['start']})",
                f"{r['seconds']:.0f}",
                ", ".join(r["set"]) or "-",
                f"`{r['command']}`",
                r["date"],
            ]
            for r in records
        ],
    )
    lines = [
        "# psMNIST: saved models evaluated",
        "",
        "Written by `benchmarks/psmnist_evaluate.py` (each row: its command).",
        "",
        "Machines: "
        + "; ".join(sorted({r.get("machine", "not recorded") for r in records})),
        "",
        table,
    ]
    return "\n".join(lines) + "\n"


def add_record(record, stem=RECORD):
    """Append ``record`` to ``<stem>.json`` and rewrite ``<stem>.md`` from it.

    Parameters
    ----------
    record : dict
        One evaluation, as `main` makes it.
    stem : Path
        The files' path without the suffix (``docs/benchmarks/
        psmnist_evaluations`` by default).
    """
    path = stem.with_suffix(".json")
    records = read_json(path, default=[])
    records.append(record)
    write_results(records, markdown(records), path, stem.with_suffix(".md"), log=None)
    print(f"recorded in {path}")


def main(argv=None):
    """Evaluate one stage of a saved model and record it (not with
    ``--no-record``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--params", default=str(PRETRAINED))
    parser.add_argument("--data", help="data directory (default: $NENGO_LMU_DATA)")
    parser.add_argument("--stage", choices=STAGES, required=True)
    parser.add_argument("--n", type=int, default=1000, help="test images")
    parser.add_argument("--start", type=int, default=0, help="first test image")
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)

    _, metadata = load_parameters(args.params)
    model = LMUClassifier.load(args.params, add_to_container=False)
    settings = Settings(**metadata["info"]["settings"])
    settings = with_settings(settings, args.set)
    pipeline = Pipeline(settings, data=args.data, verbose=False)
    x, y = pipeline.data["test"]
    weights = model.get_weights()
    correct = total = 0
    start_time = time.perf_counter()
    for start in range(args.start, args.start + args.n, args.chunk):
        stop = min(start + args.chunk, args.start + args.n)
        pipeline.data["test"] = (x[start:stop], y[start:stop])
        accuracy, n = evaluate(pipeline, weights, args.stage, stop - start)
        correct += round(accuracy * n)
        total += n
        print(
            f"{args.stage}: images {start}-{start + n}: {100 * accuracy:.2f}%; "
            f"so far {correct}/{total} = {100 * correct / total:.2f}% "
            f"({time.perf_counter() - start_time:.0f} s)",
            flush=True,
        )
    env = common.environment(__file__, argv)
    record = {
        "model": Path(args.params).name,
        "stage": args.stage,
        "accuracy": correct / total,
        "correct": correct,
        "images": total,
        "start": args.start,
        "seconds": time.perf_counter() - start_time,
        "set": args.set,
        "settings": dataclasses.asdict(settings),
        # a string: the report lists each machine once
        "machine": common.machine_text(env),
        "command": env["command"],
        "date": env["date"],
        "environment": env,
    }
    if not args.no_record:
        add_record(record)


if __name__ == "__main__":
    main()
