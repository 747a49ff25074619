"""psMNIST in Nengo: the LMU paper's pretrained model, and nengo-lmu's own.

Two trained classifiers of permuted sequential MNIST (the 784 pixels of an
image one per step, in the LMU paper's fixed random order), each evaluated
in NengoDL on the first test images with rate neurons and with spiking
neurons:

1. the model published with the LMU paper (212 tanh units, order 256,
   97.15% of the 10,000 test images), read from its Keras file by
   `nengo_lmu.cell.keras_models.load_lmu_paper_model` and run by
   `nengo_lmu.apps.paper.evaluate_paper_model`; its spiking version has signed
   spikes at 1000 times the tanh rates (`nengo_lmu.convert_to_spiking`);
2. the classifier shipped with nengo-lmu (`nengo_lmu.apps.psmnist.pretrained.pretrained`:
   1024 ReLU units, order 512, trained on the parallel path; each pixel held
   for 5 steps), run by `nengo_lmu.apps.psmnist.pipeline.Pipeline.evaluate` with rate
   neurons and with spiking hidden neurons (the memory stays exact);
3. the second shipped classifier (``pretrained("psmnist_order256")``: order
   256, otherwise alike) fully spiking: its memory too is computed by
   neurons, a `nengo_lmu.LegendreMemoryNetwork` of 200 non-leaky
   integrate-and-fire neurons per coefficient (51,200 in all, 450-900 Hz,
   50 ms recurrent synapse) that feeds the spiking hidden neurons. An order-
   512 memory in spiking neurons is too noisy for its classifier (see
   ``docs/benchmarks/spiking_memory_psmnist.md``), hence the smaller order.

The table gives each accuracy next to the one recorded on more test images
(the first N test images are not a random sample, so a short run can differ
from it by a few images).

    python examples/psmnist.py [--quick] [--data DIR]

MNIST and the paper's model file are read from ``--data`` (default
``$NENGO_LMU_DATA``): a directory holding ``mnist/`` (the four IDX files)
and ``lmu-paper/psMNIST-standard.hdf5``. Needs NengoDL.
"""

import argparse
import dataclasses
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore", message=".*has not been tested with your")

from nengo_lmu.apps.mnist import ENV_VAR  # noqa: E402
from nengo_lmu.apps.paper import PAPER_MODEL_FILE, evaluate_paper_model  # noqa: E402
from nengo_lmu.apps.psmnist import Pipeline, Settings, pretrained  # noqa: E402

# test images per network: (paper rate, paper spiking, ours rate, ours spiking,
# ours fully spiking); nengo-lmu's model costs about 0.6 s an image on 2 cores
# (3920 steps of 1024 units and order 512), fully spiking about 3.6 s, the
# paper's about 0.05 s (784 steps)
FULL = (1000, 1000, 200, 200, 50)
QUICK = (50, 50, 20, 20, 2)
PUBLISHED = "97.15% of 10000 (published)"
# the spiking paper model, measured by benchmarks/psmnist.py (docs/benchmarks)
PAPER_SPIKING = "96.10% of 1000"


def check_data(data):
    """The data directory, or exit with a message that says what is missing.

    Parameters
    ----------
    data : str or None
        The ``--data`` argument.

    Returns
    -------
    pathlib.Path
    """
    if data is None:
        sys.exit(f"no data directory: pass --data DIR or set {ENV_VAR}")
    data = Path(data)
    missing = [p for p in ("mnist", PAPER_MODEL_FILE) if not (data / p).exists()]
    if missing:
        sys.exit(
            f"{data} has no {' and no '.join(map(str, missing))}: pass --data DIR "
            f"(or set {ENV_VAR}) for a directory holding mnist/ (MNIST's four "
            "files; `nengo-lmu download-mnist DIR/mnist` gets them) and the LMU "
            f"paper's {PAPER_MODEL_FILE}"
        )
    return data


def paper_rows(data, n_rate, n_spiking):
    """The paper's model, rate and spiking: ``(name, correct, images, recorded)``.

    Parameters
    ----------
    data : pathlib.Path
        The data directory.
    n_rate, n_spiking : int
        Test images for the rate and the spiking network.

    Returns
    -------
    list of tuple
    """
    result = evaluate_paper_model(
        data=data, n_test=n_rate, spiking=n_spiking, minibatch_size=50, verbose=False
    )
    rows = []
    for key, name, recorded in (
        ("rate", "LMU paper, tanh rate", PUBLISHED),
        ("spiking", "LMU paper, signed spikes", PAPER_SPIKING),
    ):
        correct, _, images = result[f"{key} correct"].split()
        rows.append((name, int(correct), int(images), recorded))
    return rows


def pretrained_rows(data, name, networks):
    """A shipped nengo-lmu model's networks: ``(name, correct, images, recorded)``.

    Parameters
    ----------
    data : pathlib.Path
        The data directory.
    name : str
        The shipped model (`nengo_lmu.apps.psmnist.pretrained.PRETRAINED_NAMES`).
    networks : list of tuple
        ``(row name, test images, recorded result's key, evaluate kwargs)``.

    Returns
    -------
    list of tuple
    """
    model, info = pretrained(name, add_to_container=False)
    # the settings that it was trained with, evaluated in smaller minibatches
    settings = dataclasses.replace(Settings(**info["settings"]), minibatch_size=50)
    pipeline = Pipeline(settings, data=data, verbose=False)
    weights = model.get_weights()
    rows = []
    for row, n, key, kwargs in networks:
        accuracy, images = pipeline.evaluate(weights, n, **kwargs)
        recorded = info["results"][key]
        rows.append(
            (
                row,
                round(accuracy * images),
                images,
                f"{100 * recorded['accuracy']:.2f}% of {recorded['images']}",
            )
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        default=os.environ.get(ENV_VAR),
        help=f"directory with mnist/ and {PAPER_MODEL_FILE} (default: ${ENV_VAR})",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer test images (about a minute)"
    )
    args = parser.parse_args()
    data = check_data(args.data)
    n_paper, n_paper_spiking, n_ours, n_ours_spiking, n_fully = (
        QUICK if args.quick else FULL
    )

    start = time.perf_counter()
    rows = paper_rows(data, n_paper, n_paper_spiking)
    rows += pretrained_rows(
        data,
        "psmnist",
        [
            ("nengo-lmu, ReLU rate", n_ours, "temporal, rate", {}),
            (
                "nengo-lmu, spiking hidden",
                n_ours_spiking,
                "temporal, spiking hidden",
                {"spiking": True},
            ),
        ],
    )
    rows += pretrained_rows(
        data,
        "psmnist_order256",
        [
            (
                "order 256, fully spiking",
                n_fully,
                "temporal, spiking hidden and memory",
                {"neural_memory": True},
            )
        ],
    )
    print(f"{'network':<28} {'accuracy':>9} {'images':>7}   recorded")
    for name, correct, images, recorded in rows:
        print(f"{name:<28} {100 * correct / images:>8.2f}% {images:>7}   {recorded}")
    print(f"\nwall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
