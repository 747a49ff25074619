"""The ``nengo-lmu`` command.

``nengo-lmu psmnist``
    Train a psMNIST classifier on the parallel path, convert it to spiking
    neurons, evaluate, print a table of accuracies, and save the parameters
    and a figure (quick settings by default, ``--full`` for the full run).
``nengo-lmu reproduce-paper``
    Evaluate the LMU paper's pretrained psMNIST model inside Nengo.
``nengo-lmu download-mnist DIRECTORY``
    Download MNIST from the usual mirrors (checksums checked).

MNIST is read from ``--data`` or ``$NENGO_LMU_DATA``.
"""

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from nengo_lmu.apps.psmnist.settings import with_settings


def _psmnist(args):
    from nengo_lmu.apps.psmnist import FULL, QUICK, Pipeline

    assignments = list(args.set)
    if args.backend == "nengo_loihi":
        # a stage of its own, before any --set n_test_loihi=... (which wins)
        assignments.insert(0, f"n_test_loihi={1000 if args.full else 100}")
    settings = with_settings(FULL if args.full else QUICK, assignments)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    pipeline = Pipeline(settings, data=args.data, verbose=not args.quiet)
    pipeline.run()
    elapsed = time.perf_counter() - start
    print()
    print(pipeline.table())
    print(
        f"\ntotal time {elapsed / 60:.1f} min; dt {settings.dt} s, "
        f"{settings.steps_per_pixel} steps per pixel"
    )
    params = pipeline.save(out / "psmnist.npz")
    figure = pipeline.figure(out / "psmnist.png")
    results = {
        "settings": dataclasses.asdict(settings),
        "results": pipeline.results,
        "timings": pipeline.timings,
        "total_seconds": elapsed,
    }
    (out / "psmnist.json").write_text(json.dumps(results, indent=2))
    print(f"saved {params}, {figure} and {out / 'psmnist.json'}")


def _reproduce_paper(args):
    from nengo_lmu.apps.paper import evaluate_paper_model

    result = evaluate_paper_model(
        args.model,
        data=args.data,
        n_test=args.n_test,
        spiking=args.spiking,
        verbose=not args.quiet,
    )
    print()
    for name, value in result.items():
        print(f"{name:<32} {value}")


def _download(args):
    from nengo_lmu.apps.mnist import download_mnist

    print(f"MNIST in {download_mnist(args.directory)}")


def main(argv=None):
    """Run the ``nengo-lmu`` command (see the module's description).

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the command's name; by default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status, 0 (errors exit through `SystemExit`).
    """
    parser = argparse.ArgumentParser(
        prog="nengo-lmu", description="Legendre Memory Units in Nengo."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ps = commands.add_parser(
        "psmnist", help="train, convert to spiking and evaluate a psMNIST model"
    )
    ps.add_argument("--full", action="store_true", help="the full run (hours)")
    ps.add_argument("--data", help="MNIST directory (default: $NENGO_LMU_DATA)")
    ps.add_argument("--out", default="psmnist-output", help="output directory")
    ps.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a setting (units, order, epochs, n_train, seed, ...)",
    )
    ps.add_argument(
        "--backend",
        choices=("nengo", "nengo_loihi"),
        default="nengo",
        help="nengo_loihi adds a stage: the trained model's hidden layer on the "
        "NengoLoihi emulator, the memory exact on the host (100 test images, 1000 "
        "with --full; about 1.5 s an image for the full model)",
    )
    ps.add_argument("--quiet", action="store_true", help="no progress output")
    ps.set_defaults(run=_psmnist)

    rp = commands.add_parser(
        "reproduce-paper", help="evaluate the LMU paper's psMNIST model in Nengo"
    )
    rp.add_argument(
        "--model", help="psMNIST-standard.hdf5 (default: in $NENGO_LMU_DATA)"
    )
    rp.add_argument("--data", help="MNIST directory (default: $NENGO_LMU_DATA)")
    rp.add_argument("--n-test", type=int, default=10000, help="test images")
    rp.add_argument(
        "--spiking",
        type=int,
        default=0,
        metavar="N",
        help="also evaluate the spiking conversion on N test images",
    )
    rp.add_argument("--quiet", action="store_true", help="no progress output")
    rp.set_defaults(run=_reproduce_paper)

    dl = commands.add_parser("download-mnist", help="download MNIST")
    dl.add_argument("directory", help="where to put the four files")
    dl.set_defaults(run=_download)

    args = parser.parse_args(argv)
    args.run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
