"""Mackey-Glass, 15 steps ahead: the paper's LMU against its LSTM and hybrid.

What is measured
----------------
Each model of `nengo_lmu.apps.mackey_glass.models` (the 4-layer LMU, the
4-layer LSTM, the LMU-LSTM hybrid) is trained in NengoDL the same way
(`nengo_lmu.apps.mackey_glass.training`: Adam, MSE, batch 32, the 32
fitting series, the best validation epoch kept) for ``--epochs`` epochs on
the corrected task (`nengo_lmu.apps.mackey_glass.mackey_glass_task`: 128
series of 5000 steps), and its test NRMSE measured on the 64 test series.
Each model's row is added to the record as soon as it is done. The paper's
500 epochs take hours here, so a run can stop and resume: each model's
training state is saved after every epoch in ``--checkpoints`` (small
``.npz`` files, kept in the repository so that a later session continues
them), and ``--hours`` ends this run after the epoch that passes its
budget; the record lists each model's epochs so far.

Beside each row: the paper's test NRMSE (corrected task, 500 epochs), its
parameter count, and the seconds per epoch here. The paper trained 500
epochs; on this machine a full-length epoch takes about 40 s, so the record
says how many epochs each row had.

Usage::

    python benchmarks/mackey_glass.py --hours 1        # continue, 500 epochs each
    python benchmarks/mackey_glass.py --models lmu --epochs 20
    python benchmarks/mackey_glass.py --quick   # 500 steps, 2 epochs, writes nothing
    python benchmarks/mackey_glass.py --figure  # validation NRMSE by epoch, so far
    python benchmarks/mackey_glass.py --spiking --hours 0.5  # after the LMU's 500

Spiking (``--spiking``)
-----------------------
The trained LMU (its 500-epoch checkpoint) with spiking hidden neurons
(`nengo_lmu.apps.mackey_glass.spiking`): signed ``RegularSpiking(Tanh)``
neurons, every ``rate_scale`` and synapse of ``--rate-scales`` and
``--synapses`` tried on the 32 validation series, the best of them (and the
rate model) measured on the 64 test series, with spikes a neuron a step.
Then, for each of ``--fine-tune`` (rate scales), the converted model is
trained further through its spikes (`nengo_lmu.dl.spike_aware_training`)
for ``--fine-tune-epochs``, resumable like the training (its state in
``--checkpoints``), and its test NRMSE recorded once done.
"""

import argparse
import shutil
import time
from pathlib import Path

import numpy as np

from nengo_lmu.apps.mackey_glass import BASELINE_NRMSE, mackey_glass_task
from nengo_lmu.apps.mackey_glass.experiment import MODELS, PAPER_MODELS
from nengo_lmu.apps.mackey_glass.figure import figure
from nengo_lmu.apps.mackey_glass.models import parameter_counts
from nengo_lmu.apps.mackey_glass.training import train
from nengo_lmu.apps.mackey_glass import spiking

import _common as common

common.quiet_known_warnings(import_nengo_dl=True)
from _common import markdown_table, write_results

PAPER_PARAMETERS = {"lmu": 18326, "lstm": 18026, "hybrid": 18020, "lmu_keraslmu": 18326}


STATE = common.REPO / "benchmarks" / "state" / "mackey_glass"


def markdown(record):
    rows = [
        [
            r["model"],
            f"{r['test_nrmse']:.2%}",
            f"{r['published_nrmse']:.3%}",
            str(r["epochs"]),
            str(r["best_epoch"]),
            f"{r['parameters']:,} ({PAPER_PARAMETERS[r['key']]:,})",
            f"{r['seconds_per_epoch']:.1f}",
            r["date"][:16],
        ]
        for r in record["results"]
    ]
    progress = [
        f"- {MODELS[key][0]}: {done} of {epochs} epochs so far (best validation "
        f"MSE {best:.3e}; {seconds:.1f} s an epoch in the last run)"
        for key, (done, epochs, best, seconds) in sorted(
            record.get("progress", {}).items()
        )
    ]
    if progress:
        progress = [
            "In training (`benchmarks/state/mackey_glass/`):",
            "",
            *progress,
            "",
        ]
    env = record["environment"]
    lines = "\n".join(
        [
            "# Mackey-Glass, 15 steps ahead",
            "",
            f"Rows by `{env['command']}` and the runs it lists in the JSON; "
            f"machine: {common.machine_text(env)}, "
            f"{common.versions_text(env, ['nengo', 'nengo_dl', 'tensorflow'])}.",
            "",
            *progress,
            "Test NRMSE over the 64 test series of 5000 steps (the corrected task: "
            f"predict the series 15 steps ahead; the input itself scores "
            f"{BASELINE_NRMSE:.1%}). Every model trained in NengoDL the same way "
            "(Adam, MSE, batch 32, 32 fitting series, the best of the validation "
            "epochs kept). The paper's numbers are after 500 epochs.",
            "",
            markdown_table(
                [
                    "model",
                    "test NRMSE",
                    "paper",
                    "epochs",
                    "best epoch",
                    "parameters (paper)",
                    "s an epoch (last run)",
                    "finished",
                ],
                rows,
            ),
            "",
        ]
    )
    if "spiking" in record:
        lines += "\n" + spiking_markdown(record["spiking"])
    return lines


def _setting(r):
    if r["rate_scale"] is None:
        return "rate neurons (tanh)"
    synapse = "none" if r["synapse"] is None else f"{1000 * r['synapse']:g} ms"
    return f"rate_scale {r['rate_scale']:g}, synapse {synapse}"


def spiking_markdown(part):
    sweep = [
        [_setting(r), f"{r['nrmse']:.2%}", f"{r['spikes_per_step']:.3f}"]
        for r in part["sweep"]
    ]
    test = [
        [_setting(r), r["how"], f"{r['nrmse']:.2%}", f"{r['spikes_per_step']:.3f}"]
        for r in part["test"]
    ]
    progress = [
        f"- rate_scale {scale}: {done} of {epochs} epochs so far (best validation "
        f"MSE {best:.3e})"
        for scale, (done, epochs, best) in sorted(part.get("progress", {}).items())
    ]
    return "\n".join(
        [
            "## The LMU with spiking hidden neurons",
            "",
            f"The trained LMU (`{part['checkpoint']}`, rate test NRMSE "
            f"{part['rate_test_nrmse']:.2%}) with its {part['neurons']} tanh units "
            "as signed `RegularSpiking(Tanh)` neurons (`nengo_lmu.apps.mackey_glass."
            "spiking`); the memories stay exact. Spikes are counted a neuron a "
            "step (dt = 1 ms: 1 spike a step is 1000 Hz). Validation series:",
            "",
            markdown_table(["setting", "validation NRMSE", "spikes a step"], sweep),
            "",
            "Test series (the paper's LSTM: 5.872%):",
            "",
            markdown_table(["setting", "how", "test NRMSE", "spikes a step"], test),
            "",
            *(["In fine-tuning:", "", *progress, ""] if progress else []),
        ]
    )


def run_spiking(args, path):
    """The conversion sweep, the test rows, and the spike-aware fine-tuning."""
    checkpoint = Path(args.checkpoints) / f"lmu_{args.epochs}_epochs.npz"
    task = mackey_glass_task()
    record = common.read_json(path) or {"results": []}
    trained = [
        r for r in record["results"] if r["key"] == "lmu" and r["epochs"] == args.epochs
    ]
    if not trained:
        raise SystemExit(
            f"the LMU's {args.epochs} epochs are not finished: run "
            "python benchmarks/mackey_glass.py --models lmu first"
        )
    part = record.get("spiking")
    same = part is not None and part.get("checkpoint") == str(
        checkpoint.relative_to(common.REPO)
    )
    if not same or args.force_sweep:
        rate_scales = [float(x) for x in args.rate_scales]
        synapses = [None if x == "none" else float(x) for x in args.synapses]
        sweep = spiking.sweep(
            checkpoint, task["validation"], rate_scales, synapses, log=print
        )
        best = min(sweep[1:], key=lambda r: r.nrmse)
        test = [
            ("rate model", spiking.evaluate(checkpoint, task["test"], None)),
            (
                "best on validation",
                spiking.evaluate(
                    checkpoint, task["test"], best.rate_scale, best.synapse
                ),
            ),
        ]
        part = {
            "checkpoint": str(checkpoint.relative_to(common.REPO)),
            "rate_test_nrmse": test[0][1].nrmse,
            "neurons": best.neurons,
            "sweep": [vars(r) for r in sweep],
            "test": [{**vars(r), "how": how} for how, r in test],
            "progress": {},
        }
    budget = None if args.hours is None else 3600 * args.hours
    start = time.perf_counter()
    for scale in args.fine_tune:
        scale = float(scale)
        done = [
            r
            for r in part["test"]
            if r["how"].startswith(f"spike-aware fine-tuning, {args.fine_tune_epochs} ")
            and r["rate_scale"] == scale
        ]
        if done:
            continue
        left = (
            None if budget is None else max(budget - (time.perf_counter() - start), 0)
        )
        if left == 0:
            break
        state = Path(args.checkpoints) / (
            f"lmu_spiking_{scale:g}_fine_tune_{args.fine_tune_epochs}_epochs.npz"
        )
        _continue_from_shorter(state, scale, args.fine_tune_epochs)
        result = spiking.fine_tune(
            checkpoint,
            task,
            args.fine_tune_epochs,
            scale,
            checkpoint=state,
            seconds=left,
            verbose=True,
        )
        key = f"{scale:g}"
        if result.test_nrmse is None:
            part["progress"][key] = (
                result.epochs_done,
                args.fine_tune_epochs,
                min(result.validation_loss),
            )
        else:
            part["progress"].pop(key, None)
            # the fine-tuned weights rebuilt and converted again: the same
            # forward pass as in training, now with its spikes counted
            measured = spiking.evaluate(
                checkpoint, task["test"], scale, None, tuned=state
            )
            part["test"].append(
                {
                    **vars(measured),
                    "nrmse_in_training": result.test_nrmse,
                    "how": f"spike-aware fine-tuning, {args.fine_tune_epochs} epochs "
                    f"(best {result.best_epoch})",
                    "fine_tune_validation_loss": result.validation_loss,
                }
            )
        _save_spiking(path, part)
        if result.test_nrmse is None:
            return
    _save_spiking(path, part)


def _continue_from_shorter(state, scale, epochs):
    """Start a fine-tuning of ``epochs`` from the longest shorter one of the
    same rate_scale (a copy of its checkpoint: the shorter one's record and
    state stay as they are)."""
    if state.exists():
        return
    shorter = []
    for path in state.parent.glob(f"lmu_spiking_{scale:g}_fine_tune_*_epochs.npz"):
        count = path.name.split("_fine_tune_")[1].split("_")[0]
        if count.isdigit() and int(count) < epochs:
            shorter.append((int(count), path))
    if shorter:
        count, path = max(shorter)
        print(f"continuing the {count}-epoch fine-tuning ({path.name})")
        shutil.copyfile(path, state)


def _save_spiking(path, part):
    """The spiking part into the record as it is on disk now (other runs,
    of the other models, may have added their rows since this one began)."""
    record = common.read_json(path) or {"results": []}
    record["spiking"] = part
    record["environment"] = common.environment(__file__)
    write_results(record, markdown(record), path, common.RESULTS / "mackey_glass.md")


def draw(path, checkpoints, epochs):
    """The validation NRMSE by epoch of every finished model (the record) and
    every model in training (its checkpoint), beside the paper's numbers."""
    task = mackey_glass_task()
    mean_square = float(np.mean(task["validation"][1] ** 2))
    record = common.read_json(path) or {"results": []}
    losses = {r["key"]: r["validation_loss"] for r in record["results"]}
    for key in MODELS:
        state = Path(checkpoints) / f"{key}_{epochs}_epochs.npz"
        if key not in losses and state.exists():
            with np.load(state, allow_pickle=False) as saved:
                losses[key] = saved["losses"].tolist()
    rows = [
        {
            "model": MODELS[key][0],
            "published_nrmse": MODELS[key][2],
            "validation_nrmse": np.sqrt(np.asarray(losses[key]) / mean_square).tolist(),
        }
        for key in MODELS
        if key in losses
    ]
    return figure(rows, common.RESULTS / "mackey_glass.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--models", nargs="+", choices=list(MODELS), default=list(PAPER_MODELS)
    )
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument(
        "--hours", type=float, help="end this run after the epoch past this budget"
    )
    parser.add_argument("--checkpoints", default=str(STATE), help="training state")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--figure",
        action="store_true",
        help="only draw docs/benchmarks/mackey_glass.png from the record and the "
        "checkpoints",
    )
    parser.add_argument(
        "--spiking",
        action="store_true",
        help="the trained LMU with spiking hidden neurons (after its training)",
    )
    parser.add_argument("--rate-scales", nargs="+", default=["1000", "10000", "100000"])
    parser.add_argument(
        "--synapses", nargs="+", default=["none", "0.001", "0.002"], help="seconds"
    )
    parser.add_argument("--fine-tune", nargs="*", default=["1000", "10000"])
    parser.add_argument("--fine-tune-epochs", type=int, default=100)
    parser.add_argument(
        "--force-sweep", action="store_true", help="sweep again though recorded"
    )
    args = parser.parse_args()
    if args.spiking:
        run_spiking(args, common.RESULTS / "mackey_glass.json")
        return
    if args.figure:
        draw(common.RESULTS / "mackey_glass.json", args.checkpoints, args.epochs)
        return
    steps, epochs = (500, 2) if args.quick else (5000, args.epochs)
    task = mackey_glass_task(steps=steps)
    path = common.RESULTS / "mackey_glass.json"
    budget = None if args.hours is None else 3600 * args.hours
    run_start = time.perf_counter()
    for key in args.models:
        left = None
        if budget is not None:
            # the first model trains at least an epoch; the others, if time is left
            left = max(budget - (time.perf_counter() - run_start), 0.0)
            if left == 0 and key != args.models[0]:
                break
        label, make, published = MODELS[key]
        net = make()
        checkpoint = None
        if not args.quick:
            Path(args.checkpoints).mkdir(parents=True, exist_ok=True)
            checkpoint = Path(args.checkpoints) / f"{key}_{epochs}_epochs.npz"
        result = train(
            net, task, epochs, verbose=True, checkpoint=checkpoint, seconds=left
        )
        env = common.environment(__file__)
        print(
            f"{key}: {result.epochs_done} of {epochs} epochs, "
            f"{result.seconds_per_epoch:.1f} s an epoch, test NRMSE "
            f"{result.test_nrmse}",
            flush=True,
        )
        if args.quick:
            continue
        record = common.read_json(path) or {"results": []}
        record["environment"] = env
        progress = record.setdefault("progress", {})
        if result.test_nrmse is None:
            progress[key] = (
                result.epochs_done,
                epochs,
                min(result.validation_loss),
                result.seconds_per_epoch,
            )
        else:
            progress.pop(key, None)
            row = {
                "key": key,
                "model": label,
                "test_nrmse": result.test_nrmse,
                "published_nrmse": published,
                "epochs": epochs,
                "best_epoch": result.best_epoch,
                "validation_loss": result.validation_loss,
                "parameters": parameter_counts(net)["total"],
                "seconds_per_epoch": result.seconds_per_epoch,
                "date": env["date"],
                "command": env["command"],
            }
            record["results"] = [
                r
                for r in record["results"]
                if not (r["key"] == key and r["epochs"] == epochs)
            ] + [row]
        write_results(
            record, markdown(record), path, common.RESULTS / "mackey_glass.md"
        )
        if result.test_nrmse is None:
            break  # the budget is spent


if __name__ == "__main__":
    main()
