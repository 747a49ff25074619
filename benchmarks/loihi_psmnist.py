"""psMNIST with the hidden neurons on the NengoLoihi emulator.

The shipped model (`nengo_lmu.psmnist.pretrained`, 1024 ReLU units, an
order-512 memory) with its memory exact on the host and its hidden layer on
the emulated chip (`nengo_lmu.apps.psmnist.loihi`): each test image's final
state held for a window of steps, the scores read from the hidden spikes.
Every chunk of images is one emulator run, and the same network in nengo
core runs beside it on the same images (the reference for what the chip
changes). Each chunk is appended to the record as it finishes, so that a
long evaluation can stop and go on (``--resume``).

Record: ``docs/benchmarks/loihi_psmnist.{json,md}``: accuracy, images, the
model and settings, chip resources (cores, compartments, synapses), spikes
per image, build and emulator time per image.

Usage::

    NENGO_LMU_DATA=... python benchmarks/loihi_psmnist.py --n 1000
    python benchmarks/loihi_psmnist.py --n 1000 --resume   # go on after a stop
    python benchmarks/loihi_psmnist.py --quick             # 20 images, no record
"""

import argparse
import os
import warnings
from dataclasses import asdict

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # nengo_loihi loads TensorFlow
warnings.filterwarnings("ignore", message=".*has not been tested with your")

import numpy as np  # noqa: E402

import _common as common  # noqa: E402
from _common import markdown_table, read_json, write_results  # noqa: E402
from nengo_lmu.apps.mnist import psmnist  # noqa: E402
from nengo_lmu.apps.psmnist import loihi, pretrained  # noqa: E402

MODEL = "psmnist"
JSON = common.RESULTS / "loihi_psmnist.json"
MARKDOWN = common.RESULTS / "loihi_psmnist.md"
FIGURE = common.RESULTS / "loihi_psmnist.png"


def summary(chunks, backend):
    """Images, correct and accuracy over all chunks of one backend."""
    rows = [c[backend] for c in chunks]
    images = sum(r["images"] for r in rows)
    correct = sum(r["correct"] for r in rows)
    return images, correct, correct / images if images else float("nan")


def markdown(record):
    """The report of a record: the accuracy on both backends, the chip's cost."""
    chunks, env = record["chunks"], record["environment"]
    images, correct, acc = summary(chunks, "nengo_loihi")
    ref_images, ref_correct, ref_acc = summary(chunks, "nengo")
    emu = [c["nengo_loihi"] for c in chunks]
    per_image = sum(r["run_s"] for r in emu) / images
    build = np.mean([r["build_s"] for r in emu])
    chip = emu[-1]["chip"]
    spikes = np.mean([r["hidden_spikes_per_image"] for r in emu])
    settings = record["settings"]
    energy = loihi.energy_per_image(
        {
            "input_spikes_per_image": emu[-1]["input_spikes_per_image"],
            "hidden_spikes_per_image": spikes,
        },
        chip["compartments"],
        settings["window"],
    )
    rows = [
        [
            "NengoLoihi emulator",
            f"{100 * acc:.2f}%",
            f"{correct} of {images}",
            ">= 97%",
        ],
        [
            "nengo (same network)",
            f"{100 * ref_acc:.2f}%",
            f"{ref_correct} of {ref_images}",
            "",
        ],
    ]
    lines = [
        "# psMNIST on the NengoLoihi emulator",
        "",
        f"Produced by `{env['command']}` on {chunks[-1]['date']} (the last of its "
        f"chunks of {record['chunk']} images, appended as they finished; the first "
        f"on {chunks[0]['date']}).  ",
        f"Machine: {common.machine_text(env)}, {common.versions_text(env)}.",
        "",
        f"Model: the shipped `{MODEL}` (1024 ReLU units, order-512 memory; as "
        f"shipped: {record['model_results']}). The memory runs exact on the host; the hidden "
        "layer on the emulated chip as `SpikingRectifiedLinear` neurons: each test "
        f"image's final state held for {settings['window']} steps, the scores read "
        f"from the hidden spikes averaged over the last {settings['readout_steps']}, "
        f"rates {settings['rate_scale']:g} Hz per unit, each memory dimension sent "
        f"scaled by its {settings['percentile']:g}th percentile over "
        f"{settings['scale_images']} training images (`nengo_lmu.apps.psmnist.loihi`).",
        "",
        markdown_table(["network", "accuracy", "test images", "goal"], rows),
        "",
        "| chip | value |",
        "| --- | --- |",
        f"| cores (blocks after NengoLoihi's split) | {chip['cores']} |",
        f"| compartments | {chip['compartments']} |",
        f"| synapses (weights stored) | {chip['synapses']} |",
        f"| utilisation | {chip['utilization']} |",
        f"| hidden spikes per image | {spikes:.0f} |",
        f"| input spikes per image (host -> chip, one per dimension a step) | "
        f"{emu[-1]['input_spikes_per_image']:.0f} |",
        f"| emulator wall time per image | {per_image:.2f} s |",
        f"| build per chunk | {build:.1f} s |",
        f"| dynamic energy per image, estimated | {1e6 * energy['total']:.0f} uJ "
        f"(synaptic operations {1e6 * energy['synaptic']:.0f} uJ, neuron updates "
        f"{1e6 * energy['neurons']:.1f} uJ, spikes {1e6 * energy['spikes']:.2f} uJ) |",
        "",
        "The energy is `nengo_lmu.loihi.energy.dynamic_energy` of the counts above "
        "(Loihi's per-event energies, Davies et al., IEEE Micro 2018, Table 2, as "
        "quoted by later papers): every spike from the host reaches all 1024 "
        "hidden neurons (synaptic operations at the table's minimum, 23.6 pJ), "
        "every compartment updates every step. It leaves out the chip's static "
        "power, spikes between tiles, the host (the memory, the on/off input "
        "neurons) and the transfers between host and chip: a lower bound on the "
        "chip's dynamic energy, not a measurement.",
    ]
    if FIGURE.exists():
        lines += [
            "",
            f"![Hidden spikes on the emulated chip for three test images, their class "
            f"scores on the chip and in nengo, and the accuracies]({FIGURE.name})",
            "",
            "The figure is drawn by `python benchmarks/loihi_psmnist.py --figure` "
            "(three test images, and the accuracies of the record).",
        ]
    return "\n".join(lines) + "\n"


def draw_figure(classifier, states, labels, scales, settings, record, path):
    """Spikes on the chip, scores on chip and in nengo, and the record's accuracies.

    Runs ``states`` (a few images) on both backends with their spikes kept.
    """
    import matplotlib  # pylint: disable=import-outside-toplevel

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    runs = {
        backend: loihi.evaluate(
            classifier, states, labels, scales, settings, backend, spikes=True
        )
        for backend in ("nengo_loihi", "nengo")
    }
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), width_ratios=[2.2, 1.6, 1])
    chip = runs["nengo_loihi"]["spikes"]
    shown = np.argsort(-chip.sum(axis=0))[:80]  # the most active neurons
    steps, units = np.nonzero(chip[:, shown])
    axes[0].plot(steps, units, "|", color="k", markersize=2)
    for k in range(1, len(labels)):
        axes[0].axvline(k * settings.window, color="tab:red", lw=0.8)
    axes[0].set(
        xlabel="step (one window per test image)",
        ylabel="hidden neuron",
        title="hidden spikes on the emulated chip",
    )
    width = 0.4
    for k, (backend, name) in enumerate((("nengo_loihi", "chip"), ("nengo", "nengo"))):
        scores = runs[backend]["scores"]
        for i in range(len(labels)):
            axes[1].bar(
                np.arange(10) + 11 * i + (k - 0.5) * width,
                scores[i],
                width,
                color=("tab:blue", "tab:orange")[k],
                label=name if i == 0 else None,
            )
    axes[1].set_xticks([11 * i + 4.5 for i in range(len(labels))])
    axes[1].set_xticklabels([f"digit {y}" for y in labels])
    axes[1].set(ylabel="class score", title="scores, digits 0-9 of each image")
    axes[1].legend(frameon=False)
    if record and record["chunks"]:
        names, values = [], []
        for backend, name in (("nengo_loihi", "chip"), ("nengo", "nengo")):
            images, correct, acc = summary(record["chunks"], backend)
            names.append(f"{name}\n({images} images)")
            values.append(100 * acc)
        axes[2].bar(names, values, color=["tab:blue", "tab:orange"])
        for i, v in enumerate(values):
            axes[2].text(i, v + 0.1, f"{v:.2f}%", ha="center")
        axes[2].axhline(97, color="k", ls="--", lw=0.8)
        axes[2].set(ylim=(95, 100.5), ylabel="accuracy (%)", title="psMNIST test")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="test images in all")
    parser.add_argument("--chunk", type=int, default=100, help="images a run")
    parser.add_argument("--resume", action="store_true", help="go on from the record")
    parser.add_argument("--quick", action="store_true", help="20 images, no record")
    parser.add_argument("--data", default=None, help="the data root (NENGO_LMU_DATA)")
    parser.add_argument(
        "--figure",
        action="store_true",
        help=f"only draw {FIGURE.name} (three images, and the record's accuracies)",
    )
    args = parser.parse_args()
    n, chunk = (20, 20) if args.quick else (args.n, args.chunk)
    settings = loihi.LoihiSettings()

    classifier, info = pretrained(MODEL, add_to_container=False)
    steps_per_pixel = info["settings"]["steps_per_pixel"]
    data = psmnist("paper", path=args.data)
    (x_train, _), (x_test, y_test) = data["train"], data["test"]
    scales = loihi.send_scales(
        classifier,
        loihi.final_states(
            classifier, x_train[: settings.scale_images], steps_per_pixel
        ),
        settings.percentile,
    )
    if args.figure:
        states = loihi.final_states(classifier, x_test[:3], steps_per_pixel)
        record = read_json(JSON)
        print(
            "wrote",
            draw_figure(
                classifier, states, y_test[:3], scales, settings, record, FIGURE
            ),
        )
        if record is not None:  # the report, now with the figure
            write_results(record, markdown(record), None, MARKDOWN)
        return
    record = read_json(JSON) if args.resume else None
    if record is None:
        record = {
            "environment": common.environment(__file__),
            "model": MODEL,
            "model_results": ", ".join(
                f"{name} {100 * r['accuracy']:.2f}% of {r['images']}"
                for name, r in info["results"].items()
            ),
            "settings": asdict(settings),
            "chunk": chunk,
            "chunks": [],
        }
    start = sum(c["nengo_loihi"]["images"] for c in record["chunks"])
    for first in range(start, n, chunk):
        last = min(first + chunk, n)
        states = loihi.final_states(classifier, x_test[first:last], steps_per_pixel)
        entry = {"first": first, "images": last - first, "date": common.utc_now()}
        for backend in ("nengo_loihi", "nengo"):
            result = loihi.evaluate(
                classifier, states, y_test[first:last], scales, settings, backend
            )
            result.pop("scores")
            result.pop("settings")
            entry[backend] = result
        record["chunks"].append(entry)
        emu, ref = entry["nengo_loihi"], entry["nengo"]
        print(
            f"images {first}-{last - 1}: emulator {emu['correct']}/{emu['images']}, "
            f"nengo {ref['correct']}/{ref['images']}, "
            f"{emu['run_s'] / emu['images']:.2f} s an image",
            flush=True,
        )
        if not args.quick:
            write_results(record, markdown(record), JSON, MARKDOWN, log=lambda *a: None)
    print()
    print(markdown(record))


if __name__ == "__main__":
    main()
