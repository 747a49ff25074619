"""psMNIST: every number of the end-to-end pipeline, in one run.

1. The LMU paper's pretrained model inside Nengo (NengoDL, rate neurons) on
   the test set, and its spiking conversion (signed spiking tanh neurons).
2. A model trained with nengo-lmu on the parallel path, then evaluated as a
   temporal network with rate neurons, spiking hidden neurons, and spiking
   hidden neurons plus a spiking memory.

Prints a table and writes JSON and Markdown (``docs/benchmarks/psmnist.*``),
and the trained parameters and figure beside the JSON. Not a test: nothing is
asserted; the goals are printed beside the results.

    python benchmarks/psmnist.py --data ../shared/data          # everything
    python benchmarks/psmnist.py --quick --parts pipeline       # minutes
"""

import argparse
import dataclasses
import datetime
import json
import time
from pathlib import Path

import _common as common
from _common import markdown_table, read_json, write_results

# written by benchmarks/psmnist_evaluate.py, read here (not imported: the
# scripts share only _common)
EVALUATIONS = common.RESULTS / "psmnist_evaluations.json"


def saved_evaluations():
    """The saved-model evaluations (`benchmarks/psmnist_evaluate.py`), if any.

    Returns
    -------
    list of dict
        The records of ``docs/benchmarks/psmnist_evaluations.json``, oldest
        first; empty if there is no such file.
    """
    return read_json(EVALUATIONS, default=[])


GOALS = {
    "paper, rate": "9713 to 9717 of 10,000 (published 97.15%)",
    "parallel path (rate)": ">= 98.5%",
    "temporal, rate": "equals the parallel model (same weights)",
    "temporal, spiking hidden": ">= 98.0%",
    "spiking hidden, last 50 steps": ">= 98.0% (the whole test set)",
    "temporal, spiking hidden and memory": "reported; goal 96%",
}

# the goals of the saved-model evaluations' stages
STAGE_GOALS = {
    "rate": "equals the parallel model (98.62%)",
    "spiking": GOALS["temporal, spiking hidden"],
    "window": ">= 98.0%",
    "fully_spiking": "96%",
}


def machine(env):
    """The ``machine`` entry of ``psmnist.json``: its first keys, from ``env``.

    Parameters
    ----------
    env : dict
        The run's record (`_common.environment` with ``with_gpus=True``),
        which the JSON keeps in full under ``environment``.

    Returns
    -------
    dict
        ``cpu``, ``cores``, ``python``, ``tensorflow`` and ``gpu`` (whether
        TensorFlow sees one), which `markdown` reads.
    """
    return {
        "cpu": env["cpu_model"],
        "cores": env["cpu_count"],
        "python": env["versions"]["python"],
        "tensorflow": env["versions"].get("tensorflow"),
        "gpu": bool(env["gpus"]),
    }


def run_paper(args):
    from nengo_lmu.apps.paper import evaluate_paper_model

    start = time.perf_counter()
    result = evaluate_paper_model(
        data=args.data, n_test=args.paper_test, spiking=args.paper_spiking
    )
    rows = {}
    for name in ("rate", "spiking"):
        if f"{name} correct" in result:
            correct, n = result[f"{name} correct"].split(" of ")
            rows[f"paper, {name}"] = {
                "accuracy": int(correct) / int(n),
                "images": int(n),
                "correct": int(correct),
                "seconds": result[f"{name} seconds"],
            }
    return rows, time.perf_counter() - start


def run_pipeline(args, out, after_each):
    from nengo_lmu.apps.psmnist import with_settings
    from nengo_lmu.apps.psmnist import FULL, QUICK, Pipeline

    settings = QUICK if args.quick else FULL
    settings = with_settings(settings, args.set)
    pipeline = Pipeline(settings, data=args.data)
    pipeline.run(after_each)
    pipeline.save(args.params)
    pipeline.figure(out / "psmnist.png")
    return pipeline, dataclasses.asdict(settings)


# the saved-model evaluations as rows of the figure, and the row that each
# one supersedes: the whole test set in place of the run's first 1000 images;
# the order-256 model's memory in spiking neurons as the fully spiking result
# (the order-512 model with 50 LIF neurons per coefficient got 7%)
FIGURE_ROWS = {
    ("psmnist.npz", "rate"): ("temporal, rate", "temporal, rate"),
    ("psmnist.npz", "spiking"): (
        "temporal, spiking hidden",
        "temporal, spiking hidden",
    ),
    ("psmnist.npz", "window"): ("spiking hidden, last 50 steps", None),
    ("psmnist_order256.npz", "fully_spiking"): (
        "fully spiking (order-256 model)",
        "temporal, spiking hidden and memory",
    ),
}


def figure_results(record, evaluations):
    """The accuracies that the figure shows: the run's, then the evaluations'."""
    results = dict(record["results"])
    for evaluation in evaluations:
        key = (evaluation["model"], evaluation["stage"])
        if key in FIGURE_ROWS:
            name, superseded = FIGURE_ROWS[key]
            row = {"accuracy": evaluation["accuracy"], "images": evaluation["images"]}
            # in the superseded row's place, or last
            results = {
                (name if k == superseded else k): (row if k == superseded else v)
                for k, v in results.items()
            }
            results[name] = row
    return results


def redraw_figure(args, out):
    """Draw psmnist.png anew: the recorded accuracies and the evaluations,
    and the shipped model's spiking hidden state on three test digits."""
    from nengo_lmu.apps.psmnist import Pipeline, Settings, pretrained

    record = json.loads((out / "psmnist.json").read_text())
    evaluations = saved_evaluations()
    model, info = pretrained(add_to_container=False)
    pipeline = Pipeline(Settings(**info["settings"]), data=args.data, verbose=False)
    pipeline.weights = model.get_weights()
    pipeline.results = figure_results(record, evaluations)
    pipeline.figure(out / "psmnist.png")
    record["figure"] = (
        "drawn by `python benchmarks/psmnist.py --figure` on "
        f"{datetime.date.today().isoformat()}: the accuracies of this run, with the "
        "saved-model evaluations below in place of the rows they supersede"
    )
    write_results(
        record, markdown(record), out / "psmnist.json", out / "psmnist.md", log=None
    )


def markdown(record):
    """The report: the run's results, settings and timings, and the saved-model
    evaluations.

    Parameters
    ----------
    record : dict
        The contents of ``psmnist.json``.
    """
    lines = [
        "# psMNIST",
        "",
        f"Command: `{record['command']}`  ",
        f"Machine: {record['machine']['cpu']}, {record['machine']['cores']} cores, "
        f"TensorFlow {record['machine']['tensorflow']}, GPU: "
        f"{record['machine']['gpu']}  ",
        f"Date: {record['date']}",
        "",
        markdown_table(
            ["network", "accuracy", "test images", "goal"],
            [
                [
                    name,
                    f"{100 * row['accuracy']:.2f}%",
                    str(row["images"]),
                    GOALS.get(name, ""),
                ]
                for name, row in record["results"].items()
            ],
        ),
    ]
    if "settings" in record:
        s = record["settings"]
        lines += [
            "",
            f"Trained model: {s['units']} ReLU units, order {s['order']}, "
            f"{s['epochs']} epochs on the parallel path "
            f"({s['n_train'] or 50000} training images), dt {s['dt']} s, "
            f"{s['steps_per_pixel']} steps per pixel; spiking: rates x"
            f"{s['rate_scale']:g}, "
            + (
                f"score averaged over the last pixel's {s['steps_per_pixel']} steps"
                if s.get("readout") == "pixel_average"
                else f"{1000 * s['synapse']:g} ms synapse"
            )
            + f"; spiking memory: {s['memory_neurons']} "
            + {"spiking_relu": "non-leaky integrate-and-fire", "lif": "LIF"}[
                s.get("memory_neuron_type", "lif")
            ]
            + " neurons per coefficient"
            + (
                f" (max rates {s['memory_max_rate'] / 2:g}-{s['memory_max_rate']:g} Hz)"
                if "memory_max_rate" in s
                else ""
            )
            + f", {1000 * s['memory_synapse']:g} ms recurrent synapse.",
            "",
            "Timings (s): "
            + ", ".join(f"{k} {v:.0f}" for k, v in record["timings"].items()),
        ]
    lines += [
        "",
        "![psMNIST: accuracies, and the spiking network's hidden spikes and class "
        "scores for three test digits](psmnist.png)",
    ]
    if record.get("figure"):
        lines += ["", f"The figure was {record['figure']}."]
    if record.get("note"):
        lines += ["", record["note"]]
    evaluations = saved_evaluations()
    if evaluations:
        lines += [
            "",
            "## Saved models evaluated stage by stage",
            "",
            "By `benchmarks/psmnist_evaluate.py` (`psmnist_evaluations.md` has each "
            "command): `psmnist.npz` is the model above, `psmnist_order256.npz` the "
            "second shipped model (order 256, 30 epochs), whose memory also runs in "
            "spiking neurons. `rate` and `spiking`: the temporal network over the "
            "whole sequence (`Pipeline.evaluate`); `window`: the spiking hidden "
            "state over the last 50 steps, fed the exact memory in closed form "
            "(`Pipeline.evaluate_window`).",
            "",
            markdown_table(
                ["model", "stage", "accuracy", "test images", "goal"],
                [
                    [
                        r["model"],
                        r["stage"],
                        f"{100 * r['accuracy']:.2f}%",
                        str(r["images"]),
                        STAGE_GOALS.get(r["stage"], ""),
                    ]
                    for r in evaluations
                ],
            ),
        ]
    return "\n".join(lines) + "\n"


def main():
    """Run the parts asked for, or rewrite the report (``--render``) or the
    figure (``--figure``) from the JSON in ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data directory (default: $NENGO_LMU_DATA)")
    parser.add_argument("--parts", nargs="+", default=["paper", "pipeline"])
    parser.add_argument("--quick", action="store_true", help="quick settings")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a pipeline setting (nengo_lmu.psmnist.Settings)",
    )
    parser.add_argument("--paper-test", type=int, default=10000)
    parser.add_argument("--paper-spiking", type=int, default=1000)
    parser.add_argument("--out", default="docs/benchmarks", help="JSON, table, figure")
    parser.add_argument(
        "--params",
        default="nengo_lmu/models/psmnist.npz",
        help="where to save the trained parameters (the package ships them)",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="measure nothing: rewrite the Markdown from the JSON in --out (and "
        "the saved-model evaluations)",
    )
    parser.add_argument(
        "--figure",
        action="store_true",
        help="measure nothing: redraw the figure in --out from the JSON there and "
        "the saved-model evaluations (runs the shipped model on three digits)",
    )
    args = parser.parse_args()
    out = Path(args.out)
    if args.figure:
        redraw_figure(args, out)
        print(f"wrote {out / 'psmnist.png'}")
        return
    if args.render:
        record = json.loads((out / "psmnist.json").read_text())
        write_results(record, markdown(record), markdown_path=out / "psmnist.md")
        return
    out.mkdir(parents=True, exist_ok=True)

    env = common.environment(__file__, with_gpus=True)
    record = {
        # every option spelled out, defaults too, so that the command reruns
        # this run after a default changes (the environment has it as typed)
        "command": "python benchmarks/psmnist.py "
        + " ".join(
            (
                " ".join(f"--set {a}" for a in v)
                if k == "set"
                else f"--{k.replace('_', '-')}"
                + ("" if v is True else f" {' '.join(v) if isinstance(v, list) else v}")
            )
            for k, v in vars(args).items()
            if v not in (None, False, [])
        ),
        "machine": machine(env),
        "date": datetime.date.today().isoformat(),
        "environment": env,
        "results": {},
        "timings": {},
    }

    def write():
        # after each part, so that a later failure keeps the earlier numbers
        text = markdown(record)
        write_results(record, text, out / "psmnist.json", out / "psmnist.md", log=None)
        return text

    if "paper" in args.parts:
        rows, seconds = run_paper(args)
        record["results"].update(rows)
        record["timings"]["paper"] = seconds
        write()
    if "pipeline" in args.parts:

        def partial(results):
            record["results"].update(results)
            write()

        pipeline, settings = run_pipeline(args, out, partial)
        record["results"].update(pipeline.results)
        record["timings"].update(pipeline.timings)
        record["settings"] = settings
    print(write())


if __name__ == "__main__":
    main()
