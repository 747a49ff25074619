"""The ``nengo-lmu`` command.

``nengo-lmu psmnist``
    Train a psMNIST classifier on the parallel path, convert it to spiking
    neurons, evaluate, print a table of accuracies, and save the parameters
    and a figure (quick settings by default, ``--full`` for the full run).
``nengo-lmu reproduce-paper``
    Evaluate the LMU paper's pretrained psMNIST model inside Nengo.
``nengo-lmu capacity``
    The LMU paper's memory capacity task: the untrained LMU (exact and in
    spiking neurons) and the LSTM baseline recalling white noise up to T
    steps back; a table and a figure (T = 100 and 1000 by default, ``--full``
    for the paper's T up to 100,000, the spiking memory up to 10,000 and the
    LSTM's 500 epochs).
``nengo-lmu mackey-glass``
    The LMU paper's Mackey-Glass task (15 steps ahead): its LMU, LSTM and
    hybrid trained alike in NengoDL; a table and a figure (a shorter task by
    default, ``--full`` for the paper's).
``nengo-lmu download-mnist DIRECTORY``
    Download MNIST from the usual mirrors (checksums checked).
``nengo-lmu export-nir MODEL FILE``
    Write a saved classifier (or a shipped model) with spiking hidden
    neurons as an NIR file (`nengo_lmu.apps.nir_export`).

MNIST is read from ``--data`` or ``$NENGO_LMU_DATA``.

An error ends a command with one line on stderr, ``nengo-lmu COMMAND:
what is wrong``, and the exit status 2 for a refused argument or 1 for a
run that failed; ``nengo-lmu --debug COMMAND ...`` shows the traceback
instead. ``nengo-lmu --version`` prints the version.
"""

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from nengo_lmu.apps.psmnist.settings import with_settings
from nengo_lmu.io.atomic import write_atomically


def _psmnist(args):
    from nengo_lmu.apps.psmnist import FULL, QUICK, Pipeline

    assignments = list(args.set)
    if args.backend == "nengo_loihi":
        # a stage of its own, before any --set n_test_loihi=... (which wins)
        assignments.insert(0, f"n_test_loihi={1000 if args.full else 100}")
    settings = with_settings(FULL if args.full else QUICK, assignments)
    model, figure_path, record = _outputs(
        "psmnist", args, ["psmnist.npz", "psmnist.png", "psmnist.json"]
    )
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
    results = {
        "settings": dataclasses.asdict(settings),
        "results": pipeline.results,
        "timings": pipeline.timings,
        "total_seconds": elapsed,
    }
    # the folder is made only now that there is something to put in it
    model.parent.mkdir(parents=True, exist_ok=True)
    pipeline.save(model)
    write_atomically(figure_path, pipeline.figure)
    write_atomically(record, lambda p: p.write_text(json.dumps(results, indent=2)))
    print(f"saved {model}, {figure_path} and {record}")


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


def _outputs(command, args, names):
    """The files a command writes in ``--out``; refused at once if any
    exists and ``--force`` is not given."""
    folder = Path(args.out)
    blocking = next(
        (p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None
    )
    if blocking is not None:
        # found now, not when the run is over and its results are to be written
        raise SystemExit(f"--out {folder}: {blocking} is a file, not a folder")
    _check_writable(folder)
    outputs = [folder / name for name in names]
    existing = [str(p) for p in outputs if p.exists()]
    if existing and not args.force:
        raise SystemExit(
            f"{', '.join(existing)} exist; pass --force to "
            "overwrite them, or --out another folder"
        )
    return outputs


def _check_writable(folder):
    """Refuse ``--out`` now if nothing can be written where it would be made
    (a trial folder, removed at once; ``--out`` itself is made after the run)."""
    base = next(p for p in (folder, *folder.parents) if p.exists())
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".nengo-lmu-check-", dir=base))
    except OSError as error:
        raise SystemExit(f"--out {folder}: cannot write in {base} ({error})") from None


def _count(text):
    """An argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _output_arguments(parser, default, written):
    """``--out`` and ``--force`` of a command that writes files."""
    parser.add_argument(
        "--out",
        default=default,
        help=f"the folder to write {written} in; made once the run succeeds",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite those files if they exist (the command refuses before "
        "it starts otherwise)",
    )


def _write_rows_and_figure(outputs, rows, figure):
    """The rows as JSON and their figure, each written by a rename."""
    outputs[0].parent.mkdir(parents=True, exist_ok=True)
    write_atomically(outputs[0], lambda p: p.write_text(json.dumps(rows, indent=2)))
    write_atomically(outputs[1], lambda p: figure(rows, p))
    print(f"saved {outputs[1]} and {outputs[0]}")


def _capacity(args):
    from nengo_lmu.apps.capacity import experiment
    from nengo_lmu.apps.capacity.figure import figure

    outputs = _outputs("capacity", args, ["capacity.json", "capacity.png"])
    start = time.perf_counter()
    plan = experiment.FULL if args.full else experiment.QUICK
    if args.no_lstm:
        plan = dataclasses.replace(plan, lstm=())
    log = (
        None if args.quiet else (lambda row: print(f"T = {row['T']:,}: {row['model']}"))
    )
    rows = experiment.run(plan, log=log, progress_bar=not args.quiet)
    print()
    print(experiment.table(rows))
    print(f"\ntotal time {(time.perf_counter() - start) / 60:.1f} min")
    _write_rows_and_figure(outputs, rows, figure)


def _mackey_glass(args):
    from nengo_lmu.apps.mackey_glass import experiment
    from nengo_lmu.apps.mackey_glass.figure import figure

    outputs = _outputs("mackey-glass", args, ["mackey_glass.json", "mackey_glass.png"])
    plan = experiment.FULL if args.full else experiment.QUICK
    start = time.perf_counter()
    rows = experiment.run(
        plan, log=None if args.quiet else print, checkpoints=args.checkpoints
    )
    print()
    print(experiment.table(rows, plan))
    print(f"\ntotal time {(time.perf_counter() - start) / 60:.1f} min")
    _write_rows_and_figure(outputs, rows, figure)


def _download(args):
    from nengo_lmu.apps.mnist import download_mnist

    print(f"MNIST in {download_mnist(args.directory)}")


def _export_nir(args):
    from nengo.exceptions import ValidationError

    from nengo_lmu.apps.nir_export import export_classifier

    try:
        written = export_classifier(
            args.model,
            args.file,
            rate_scale=args.rate_scale,
            synapse=args.synapse,
            memory_node=args.memory_node,
            euler_dt=args.euler_dt,
            fold=args.fold,
            overwrite=args.force,
        )
    except ValidationError as error:
        raise SystemExit(str(error)) from None
    nodes = ", ".join(f"{n} {k}" for k, n in sorted(written["nodes"].items()))
    print(
        f"wrote {written['path']}: {nodes} (hidden neurons at rate_scale "
        f"{written['rate_scale']:g}, readout synapse {written['synapse']:g} s)"
    )


class UsageError(SystemExit):
    """A refused argument: exit status 2, the message in ``str()``.

    Parameters
    ----------
    message : str
        What was refused, and what to do.
    """

    def __init__(self, message):
        super().__init__(message)
        self.code = 2


class RunFailed(SystemExit):
    """A run that failed: exit status 1, the message in ``str()``.

    Parameters
    ----------
    message : str
        The error, as one line.
    """

    def __init__(self, message):
        super().__init__(message)
        self.code = 1


def _run(args):
    """Run the command; an error becomes one line on stderr and an exit."""
    try:
        args.run(args)
    except SystemExit as refusal:
        if not isinstance(refusal.code, str):
            raise
        # the commands refuse bad arguments with a message
        print(f"nengo-lmu {args.command}: {refusal.code}", file=sys.stderr)
        raise UsageError(refusal.code) from None
    except ValueError as error:
        # nengo's ValidationError (a ValueError) names the argument it refuses
        if args.debug or type(error).__name__ != "ValidationError":
            if args.debug:
                raise
            _fail(args, error)
        print(f"nengo-lmu {args.command}: {error}", file=sys.stderr)
        raise UsageError(str(error)) from None
    except KeyboardInterrupt:
        print(f"nengo-lmu {args.command}: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except Exception as error:  # pylint: disable=broad-exception-caught
        if args.debug:
            raise
        _fail(args, error)


def _fail(args, error):
    """A failed run: one line on stderr, exit status 1."""
    message = f"{type(error).__name__}: {error}"
    print(
        f"nengo-lmu {args.command}: {message} (--debug shows the traceback)",
        file=sys.stderr,
    )
    raise RunFailed(message) from None


def main(argv=None):
    """Run the ``nengo-lmu`` command (see the module's description).

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the command's name; by default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status, 0 (errors exit through `SystemExit`: `UsageError`,
        status 2, for a refused argument; `RunFailed`, status 1, for a run
        that failed).
    """
    from nengo_lmu.apps.quiet import quiet_known_warnings  # pylint: disable=import-outside-toplevel
    from nengo_lmu.version import version  # pylint: disable=import-outside-toplevel

    quiet_known_warnings()

    parser = argparse.ArgumentParser(
        prog="nengo-lmu", description="Legendre Memory Units in Nengo."
    )
    parser.add_argument("--version", action="version", version=f"nengo-lmu {version}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the Python traceback of an error instead of one line",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ps = commands.add_parser(
        "psmnist", help="train, convert to spiking and evaluate a psMNIST model"
    )
    ps.add_argument("--full", action="store_true", help="the full run (hours)")
    ps.add_argument("--data", help="MNIST directory (default: $NENGO_LMU_DATA)")
    _output_arguments(
        ps,
        "psmnist-output",
        "psmnist.npz (the trained model), psmnist.png and psmnist.json (the results)",
    )
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
    rp.add_argument(
        "--data",
        help="the data folder that holds mnist/ (the four MNIST files) and "
        "lmu-paper/psMNIST-standard.hdf5, as ../shared/data does (default: "
        "$NENGO_LMU_DATA)",
    )
    rp.add_argument(
        "--n-test", type=_count, default=10000, help="test images (1 to 10000)"
    )
    rp.add_argument(
        "--spiking",
        type=int,
        default=0,
        metavar="N",
        help="also evaluate the spiking conversion on N test images",
    )
    rp.add_argument("--quiet", action="store_true", help="no progress output")
    rp.set_defaults(run=_reproduce_paper)

    cp = commands.add_parser(
        "capacity", help="the LMU paper's memory capacity task (untrained LMU)"
    )
    cp.add_argument(
        "--full",
        action="store_true",
        help="T = 100 to 100,000, the spiking memory to 10,000, the LSTM 500 epochs "
        "at T = 100, 400, 1600 (about 30 min)",
    )
    cp.add_argument(
        "--no-lstm",
        action="store_true",
        help="leave out the LSTM baseline (which needs TensorFlow)",
    )
    _output_arguments(
        cp, "capacity-output", "capacity.json (the rows) and capacity.png (the figure)"
    )
    cp.add_argument("--quiet", action="store_true", help="no progress output")
    cp.set_defaults(run=_capacity)

    mg = commands.add_parser(
        "mackey-glass",
        help="the LMU paper's Mackey-Glass task: its LMU, LSTM and hybrid, "
        "trained alike",
    )
    mg.add_argument(
        "--full",
        action="store_true",
        help="the paper's task and 500 epochs (about an hour a model on 2 cores)",
    )
    mg.add_argument(
        "--checkpoints",
        help="a folder for each model's training state, so that a stopped run "
        "continues where it was",
    )
    _output_arguments(
        mg,
        "mackey-glass-output",
        "mackey_glass.json (the rows) and mackey_glass.png (validation NRMSE by epoch)",
    )
    mg.add_argument("--quiet", action="store_true", help="no progress output")
    mg.set_defaults(run=_mackey_glass)

    dl = commands.add_parser("download-mnist", help="download MNIST")
    dl.add_argument("directory", help="where to put the four files")
    dl.set_defaults(run=_download)

    nx = commands.add_parser(
        "export-nir",
        help="write a saved classifier, with spiking hidden neurons, as an NIR file",
    )
    nx.add_argument(
        "model", help="a file of LMUClassifier.save, or psmnist / psmnist_order256"
    )
    nx.add_argument("file", help="the .nir file to write")
    nx.add_argument(
        "--rate-scale",
        type=float,
        help="the spiking conversion's factor on the rates (default: the model's "
        "own, else 1000)",
    )
    nx.add_argument(
        "--synapse",
        type=float,
        help="the readout's synapse in seconds (default: the model's own, else 0.005)",
    )
    nx.add_argument(
        "--memory-node",
        choices=("I", "LI"),
        default="I",
        help="the memory as an integrator, or as a leaky integrator (for consumers "
        "without I)",
    )
    nx.add_argument(
        "--euler-dt",
        type=float,
        help="write the memory for consumers that step by forward Euler with this dt",
    )
    nx.add_argument(
        "--fold", action="store_true", help="synapses folded into CubaLIF neurons"
    )
    nx.add_argument("--force", action="store_true", help="replace an existing file")
    nx.set_defaults(run=_export_nir)

    args = parser.parse_args(argv)
    quiet_known_warnings(
        import_nengo_dl=args.command in ("psmnist", "reproduce-paper", "mackey-glass")
        or (args.command == "capacity" and not args.no_lstm)
    )
    _run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
