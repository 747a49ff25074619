"""Training speed of a psMNIST-size LMU: parallel path, sequential NengoDL, KerasLMU.

What is measured
----------------
Training throughput (samples per second) of one LMU model, order 256,
``theta`` 784 steps, 212 hidden units, ``input_d`` 1, ``memory_d`` 1, a
linear readout to 10 classes, float32 throughout, in three ways, on the same
machine in the same run:

``parallel``
    nengo-lmu's parallel path: ``LMUCell(..., parallel=True)`` with no
    feedback, fed the closed-form memory of the last step,
    ``cell.parallel_input(x, steps=[-1])``, as one-step samples
    ``(n, 1, parallel_size)``, trained with ``nengo_dl.Simulator.fit``
    (with ``configure_settings(use_loop=False)``: one step needs no loop over
    time, and ``compile(steps_per_execution=...)``: several batches per call
    of the training function). Three rows: computing those features (closed
    form, per sample), the training steps alone, and the two together for one
    epoch, ``1 / (feature time per sample + 1 / training samples per s)``.
``nengo_dl``
    nengo-lmu's temporal ``LMUCell`` (``memory="process"``) trained with
    ``nengo_dl.Simulator.fit`` on the full sequences, stepping through all
    784 steps. Only the last step enters the loss: the network is built
    with ``nengo_dl.configure_settings(keep_history=False)``, so the probe on
    the readout holds only the last step, and the targets have shape
    ``(n, 1, 1)`` (NengoDL does not check the number of steps of targets;
    this is how NengoDL's own psMNIST LMU example trains). ``stateful=False``
    too: no state is carried between batches, which saves the ops that would
    save it.
``nengo_dl_merged``
    The same, built with NengoDL's default planner, which merges operators of
    one type into groups. ``nengo_dl`` builds each operator on its own
    (``nengo_dl.configure_settings(planner=noop_planner)``, as `LMUCell`
    recommends): a merged group keeps its signals in one array, and every
    other operator that writes to part of that array then needs a scatter,
    which on a CPU cost more than the merging saves.
``keras_lmu``
    keras-lmu's ``LMU`` layer followed by ``Dense(10)``. With feedback
    (``hidden_to_memory`` or ``memory_to_memory``) KerasLMU steps a
    ``tf.keras.layers.RNN`` through time; without, it uses its
    ``LMUFeedforward`` layer, which convolves the whole sequence with the
    memory's impulse response by FFT and applies the hidden cell to the last
    step only.

Two configurations of the same model (the names of KerasLMU and `LMUCell`):

``feedforward``
    ``input_to_hidden=True``; no ``hidden_to_memory``, ``memory_to_memory``
    or ``hidden_to_hidden``. A ``Dense(units, tanh)`` hidden cell in
    KerasLMU. The only configuration the parallel path can train.
``recurrent``
    The LMU paper's psMNIST graph: ``hidden_to_memory``,
    ``memory_to_memory``, ``input_to_hidden`` and ``hidden_to_hidden`` (a
    ``SimpleRNNCell`` hidden cell in KerasLMU). The paper's code had all
    these weights (the hidden and memory encoders started at zero but were
    trained).

Every method trains with Adam (``--lr``) on sparse categorical
cross-entropy from logits on the last step. Hidden neurons are nengo's
``Tanh(tau_ref=1)`` (exactly ``tanh``, as in KerasLMU). The readout is a
NengoDL connection (no bias) or a Keras ``Dense(10)`` (with a bias: 10 more
parameters, the table's ``params`` column counts them).

Data: uniformly random pixel sequences ``(n, 784, 1)`` and random labels,
the same arrays for every method. The time of a training step does not
depend on the values of the data (no method skips work for particular
values), so random data gives the speed of psMNIST training without loading
the data set.

Timing: each method is built (NengoDL ``Simulator`` and ``compile``, or the
Keras model and ``compile``: column ``build s``), trained on
``--warmup-batches`` batches (tracing and first-call costs: column
``warm-up s``), then trained on the timed batches in one ``fit`` call of one
epoch; samples/s is the number of timed samples over that call's wall time.
Each method and configuration is measured in a fresh process, the stepping
ones (both ``nengo_dl`` methods, both ``keras_lmu`` layers, which on a CPU
also steps slowly) ``--repeats`` times, keeping the fastest run. The
stepping methods get ``--timed-batches`` (default 2) timed batches;
``parallel`` training gets ``--fast-batches``, ``--steps-per-execution`` per
call. The parallel features are computed for ``--feature-samples``
sequences in one call (after a warm-up call on one batch); their per-call
set-up (discretisation, impulse response) is spread over those samples, as
it would be over an epoch. Every method trains with
batches of ``--batch-size``, except the parallel path, which can be given
larger ones with ``--parallel-batch-size`` (its training step is one dense
hidden layer, so its throughput grows with the batch; the default is the
same batch size as the others).

``x nengo_dl`` is each row's samples/s over that of the sequential NengoDL
row of the same configuration (the parallel path is ``feedforward``). Epoch
times are projected for psMNIST's 60,000 training sequences.

The project's goals (printed, not asserted): the parallel path (features +
training) at least 100 times as fast as sequential NengoDL training, and
sequential NengoDL at least as fast as KerasLMU, like for like (recurrent
with recurrent).

Usage::

    python benchmarks/training_speed.py            # full run, writes docs/benchmarks/
    python benchmarks/training_speed.py --quick    # tiny sizes, writes nothing
    python benchmarks/training_speed.py --methods parallel nengo_dl \\
        --configs feedforward --timed-batches 1   # a shorter partial run
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow is imported

# pylint: disable=wrong-import-position
import nengo  # noqa: E402
import numpy as np  # noqa: E402

from nengo_lmu import LMUCell  # noqa: E402
from nengo_lmu.cell.weights import glorot_uniform  # noqa: E402

import _common as common  # noqa: E402
from _common import (  # noqa: E402
    REPO,
    duration,
    fmt,
    markdown_table,
    package_line,
    package_state,
    write_results,
)

common.quiet_known_warnings(import_nengo_dl=True)

DEFAULT_JSON = common.RESULTS / "training_speed.json"
DEFAULT_MARKDOWN = common.RESULTS / "training_speed.md"

DT = 0.001  # NengoDL's time step: LMUCell's theta in seconds is steps * DT
N_CLASSES = 10
EPOCH = 60_000  # psMNIST training sequences, for the per-epoch projection
PSMNIST = dict(order=256, n_steps=784, units=212)
QUICK = dict(order=16, n_steps=50, units=16)

CONFIGS = {
    "feedforward": dict(
        hidden_to_memory=False,
        memory_to_memory=False,
        input_to_hidden=True,
        hidden_to_hidden=False,
    ),
    "recurrent": dict(
        hidden_to_memory=True,
        memory_to_memory=True,
        input_to_hidden=True,
        hidden_to_hidden=True,
    ),
}
METHODS = ("parallel", "nengo_dl", "nengo_dl_merged", "keras_lmu")
BASELINE = "nengo_dl"
PARALLEL_GOAL = 100  # parallel (features + training) / sequential NengoDL


def import_tf():
    """TensorFlow, NengoDL and KerasLMU, imported only when needed."""
    # pylint: disable=import-outside-toplevel
    import keras_lmu
    import nengo_dl
    import tensorflow as tf

    return tf, nengo_dl, keras_lmu


# --------------------------------------------------------------------------
# models


def nengo_model(size, cell_kwargs, seed=0, merge_operators=False):
    """``input -> LMUCell -> linear readout (10)``, probed on the last step.

    Parameters
    ----------
    size : dict
        ``order``, ``n_steps`` (theta in steps) and ``units``.
    cell_kwargs : dict
        `LMUCell` options (a `CONFIGS` entry, plus ``parallel``).
    seed : int
        Seed of the network (initial weights).
    merge_operators : bool
        If False (as `LMUCell` recommends), NengoDL builds each operator on
        its own (``planner=noop_planner``); if True, it merges them with its
        default planner.

    Returns
    -------
    nengo.Network
        With attributes ``inp`` (the Node that takes the data), ``cell``,
        ``out`` and ``probe``.
    """
    _, nengo_dl, _ = import_tf()
    with nengo.Network(seed=seed) as net:
        # the probe keeps only the last step; no state between batches; the
        # input connection below is not trained
        nengo_dl.configure_settings(trainable=None, stateful=False, keep_history=False)
        if not merge_operators:
            nengo_dl.configure_settings(planner=nengo_dl.graph_optimizer.noop_planner)
        if cell_kwargs.get("parallel"):
            # one step per sample: no loop over time steps to build
            nengo_dl.configure_settings(use_loop=False)
        net.cell = LMUCell(
            size["units"],
            size["order"],
            size["n_steps"] * DT,
            input_d=1,
            memory_d=1,
            dt=DT,
            **cell_kwargs,
        )
        net.inp = nengo.Node(np.zeros(net.cell.input.size_in), label="data")
        conn = nengo.Connection(net.inp, net.cell.input, synapse=None)
        net.config[conn].trainable = False
        net.out = nengo.Node(size_in=N_CLASSES, label="logits")
        rng = np.random.RandomState(seed)
        nengo.Connection(
            net.cell.output,
            net.out,
            transform=glorot_uniform(rng, (N_CLASSES, size["units"])),
            synapse=None,
        )
        net.probe = nengo.Probe(net.out)
    return net


def nengo_params(net):
    """Trainable parameters of the nengo model: the cell's and the readout's."""
    cell = net.cell.weight_shapes()
    return int(sum(np.prod(s) for s in cell.values())) + N_CLASSES * net.cell.units


def keras_model(size, config, lr):
    """``Input (n_steps, 1) -> keras_lmu.LMU -> Dense(10)``, compiled.

    The hidden cell is a ``SimpleRNNCell`` with ``hidden_to_hidden``, a
    ``Dense`` with ``tanh`` without.
    """
    tf, _, keras_lmu = import_tf()
    opts = CONFIGS[config]
    units = size["units"]
    if opts["hidden_to_hidden"]:
        hidden = tf.keras.layers.SimpleRNNCell(units)
    else:
        hidden = tf.keras.layers.Dense(units, activation="tanh")
    inp = tf.keras.Input((size["n_steps"], 1), dtype="float32")
    lmu = keras_lmu.LMU(
        memory_d=1,
        order=size["order"],
        theta=size["n_steps"],
        hidden_cell=hidden,
        hidden_to_memory=opts["hidden_to_memory"],
        memory_to_memory=opts["memory_to_memory"],
        input_to_hidden=opts["input_to_hidden"],
    )
    out = tf.keras.layers.Dense(N_CLASSES)(lmu(inp))
    model = tf.keras.Model(inp, out)
    model.compile(
        optimizer=tf.optimizers.Adam(lr),
        loss=tf.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model, type(lmu.layer).__name__


# --------------------------------------------------------------------------
# timing


def time_fit(fit, x, y, batch, warmup, timed):
    """Train on ``warmup`` batches, then time training on ``timed`` batches.

    Parameters
    ----------
    fit : callable
        ``fit(x, y)`` trains one epoch on the given samples.
    x, y : ndarray
        At least ``(warmup + timed) * batch`` samples.

    Returns
    -------
    dict
        ``warmup_s``, ``timed_s``, ``timed_samples`` and ``samples_per_s``.
    """
    n_warm, n_timed = warmup * batch, timed * batch
    start = time.perf_counter()
    fit(x[:n_warm], y[:n_warm])
    warmup_s = time.perf_counter() - start
    start = time.perf_counter()
    fit(x[n_warm : n_warm + n_timed], y[n_warm : n_warm + n_timed])
    timed_s = time.perf_counter() - start
    return {
        "warmup_s": warmup_s,
        "timed_s": timed_s,
        "timed_samples": n_timed,
        "samples_per_s": n_timed / timed_s,
    }


def nengo_dl_fit(net, x, y, batch, timed, args, log, steps_per_execution=1):
    """Build a NengoDL simulator of ``net`` and time `time_fit` on it with
    ``timed`` timed batches of ``batch`` samples, ``steps_per_execution``
    batches per call of Keras's training function."""
    tf, nengo_dl, _ = import_tf()
    from nengo_lmu.dl import fast_dot_products  # pylint: disable=import-outside-toplevel

    start = time.perf_counter()
    # nengo-lmu's faster dense product, as the package's own pipelines use it
    with fast_dot_products():
        sim = nengo_dl.Simulator(
            net,
            minibatch_size=batch,
            unroll_simulation=args.unroll,
            progress_bar=False,
            seed=0,
        )
    sim.compile(
        optimizer=tf.optimizers.Adam(args.lr),
        loss=tf.losses.SparseCategoricalCrossentropy(from_logits=True),
        steps_per_execution=steps_per_execution,
    )
    build_s = time.perf_counter() - start
    log(f"built in {build_s:.1f} s")

    def fit(xs, ys):
        sim.fit({net.inp: xs}, {net.probe: ys}, epochs=1, verbose=0)

    with sim:
        result = time_fit(fit, x, y, batch, args.warmup_batches, timed)
    return {"build_s": build_s, **result}


def measure_parallel(size, x, y, args, log):
    """The parallel path: closed-form features, then one-step NengoDL training.

    Returns
    -------
    list of dict
        Rows ``features``, ``training`` and ``features + training``.
    """
    net = nengo_model(size, dict(CONFIGS["feedforward"], parallel=True))
    cell = net.cell
    n_feat = args.feature_samples
    batch = args.parallel_batch_size
    cell.parallel_input(x[:batch], steps=[-1])  # warm-up
    start = time.perf_counter()
    features = cell.parallel_input(x[:n_feat], steps=[-1]).astype(np.float32)
    feature_s = time.perf_counter() - start
    feature_rate = n_feat / feature_s
    log(f"features: {n_feat} sequences in {feature_s:.2f} s, shape {features.shape}")

    n_train = (args.warmup_batches + args.fast_batches) * batch
    if n_train > n_feat:  # the training set's other features, untimed
        more = cell.parallel_input(x[n_feat:n_train], steps=[-1])
        features = np.concatenate([features, more.astype(np.float32)])
    train = nengo_dl_fit(
        net,
        features[:n_train],
        y[:n_train],
        batch,
        args.fast_batches,
        args,
        log,
        steps_per_execution=args.steps_per_execution,
    )
    combined = 1 / (1 / feature_rate + 1 / train["samples_per_s"])
    common = {
        "method": "parallel",
        "config": "feedforward",
        "implementation": "nengo_dl.Simulator.fit on LMUCell(parallel=True), "
        "one step per sample",
        "params": nengo_params(net),
    }
    return [
        {
            **common,
            "part": "features",
            "implementation": "LMUCell.parallel_input(x, steps=[-1]) (numpy)",
            "samples_per_s": feature_rate,
            "timed_s": feature_s,
            "timed_samples": n_feat,
            "params": None,
        },
        {**common, "part": "training", **train},
        {
            **common,
            "part": "features + training",
            "samples_per_s": combined,
            "build_s": train["build_s"],
            "warmup_s": train["warmup_s"],
        },
    ]


def measure_nengo_dl(size, config, x, y, args, log, merge_operators=False):
    """The temporal `LMUCell` trained by NengoDL on full sequences (method
    ``nengo_dl``, or ``nengo_dl_merged`` with NengoDL's default planner)."""
    net = nengo_model(size, CONFIGS[config], merge_operators=merge_operators)
    n = (args.warmup_batches + args.timed_batches) * args.batch_size
    result = nengo_dl_fit(
        net, x[:n], y[:n], args.batch_size, args.timed_batches, args, log
    )
    planner = "NengoDL's default planner" if merge_operators else "noop_planner"
    return {
        "method": "nengo_dl_merged" if merge_operators else "nengo_dl",
        "config": config,
        "part": "training",
        "implementation": "nengo_dl.Simulator.fit on LMUCell (memory='process'), "
        f"{size['n_steps']} steps, loss on the last, {planner}",
        "params": nengo_params(net),
        **result,
    }


def measure_keras(size, config, x, y, args, log):
    """keras-lmu's ``LMU`` layer and ``Dense(10)``, trained with ``Model.fit``."""
    start = time.perf_counter()
    model, layer = keras_model(size, config, args.lr)
    build_s = time.perf_counter() - start
    log(f"built ({layer}) in {build_s:.1f} s")
    # KerasLMU's FFT layer is a fast path on a GPU, but on this CPU it trains
    # slower than the recurrent layer (about 6 samples/s): the stepping
    # methods' batch count (with repeats) measures it well enough
    timed = args.timed_batches
    ys = y[:, 0, 0]

    def fit(xs, ys):
        model.fit(
            xs, ys, batch_size=args.batch_size, epochs=1, shuffle=False, verbose=0
        )

    result = time_fit(fit, x, ys, args.batch_size, args.warmup_batches, timed)
    return {
        "method": "keras_lmu",
        "config": config,
        "part": "training",
        "implementation": f"keras_lmu.LMU ({layer}) + Dense(10), Model.fit",
        "params": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        "build_s": build_s,
        **result,
    }


def best_of_children(method, config, args, log):
    """The fastest of ``args.repeats`` measurements, each in a fresh process.

    Timings of one setting vary between runs here, by up to a factor of two:
    in three identical runs KerasLMU's recurrent layer measured 36.7, 36.8
    and 18.5 samples/s, sequential NengoDL's feed-forward cell 71.3, 37.1
    and 72.9 (operators merged: 9.31, 18.3 and 18.5). Like ``timeit``, the
    fastest run is the one least disturbed by the rest of the machine; every
    run's samples/s is kept in the row. The parallel path, timed over many
    batches, runs once.
    """
    repeats = 1 if method == "parallel" else args.repeats
    runs = [measure_in_child(method, config, args) for _ in range(repeats)]
    if repeats > 1:
        log(
            "samples/s per run: "
            + ", ".join(f"{r[-1]['samples_per_s']:.3g}" for r in runs)
        )
    best = max(runs, key=lambda rows: rows[-1]["samples_per_s"])
    for row in best:
        row["runs_samples_per_s"] = [r[-1]["samples_per_s"] for r in runs]
    return best


# the options that count batches or samples (each at least 1)
COUNTS = (
    "batch_size",
    "parallel_batch_size",
    "warmup_batches",
    "timed_batches",
    "fast_batches",
    "steps_per_execution",
)


def measure_in_child(method, config, args):
    """One method and configuration measured by a fresh Python process, so
    that no measurement inherits TensorFlow's state from another."""
    import subprocess  # pylint: disable=import-outside-toplevel
    import tempfile  # pylint: disable=import-outside-toplevel

    with tempfile.TemporaryDirectory() as tmp:
        rows_out = Path(tmp) / "rows.json"
        argv = [
            sys.executable,
            __file__,
            "--methods",
            method,
            "--configs",
            config,
            "--no-isolate",
            "--rows-out",
            str(rows_out),
        ]
        for name in COUNTS + ("feature_samples", "unroll", "lr", "seed"):
            argv += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
        if args.quick:
            argv.append("--quick")
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        return json.loads(rows_out.read_text())


def run_benchmark(args, size):
    """All requested measurements, in a fixed order, with ratios and goals."""
    tf, _, _ = import_tf()
    tf.keras.utils.set_random_seed(args.seed)

    n_seq = (args.warmup_batches + args.timed_batches) * args.batch_size
    n_fast = (args.warmup_batches + args.fast_batches) * max(
        args.batch_size, args.parallel_batch_size
    )
    n_data = max(n_seq, n_fast, args.feature_samples)
    rng = np.random.RandomState(args.seed)
    x = rng.uniform(0, 1, size=(n_data, size["n_steps"], 1)).astype(np.float32)
    y = rng.randint(N_CLASSES, size=(n_data, 1, 1)).astype(np.float32)

    rows = []
    for method in args.methods:
        configs = ["feedforward"] if method == "parallel" else args.configs
        for config in configs:

            def log(msg, method=method, config=config):
                print(f"[{method} {config}] {msg}", flush=True)

            log("measuring")
            if args.isolate:
                rows += best_of_children(method, config, args, log)
            elif method == "parallel":
                rows += measure_parallel(size, x, y, args, log)
            elif method in ("nengo_dl", "nengo_dl_merged"):
                merge = method == "nengo_dl_merged"
                rows.append(
                    measure_nengo_dl(
                        size, config, x, y, args, log, merge_operators=merge
                    )
                )
            else:
                rows.append(measure_keras(size, config, x, y, args, log))
            log(f"{rows[-1]['samples_per_s']:.3g} samples/s")
    if args.rows_out is not None:
        args.rows_out.write_text(json.dumps(rows))

    baseline = {
        r["config"]: r["samples_per_s"] for r in rows if r["method"] == BASELINE
    }
    for r in rows:
        base = baseline.get(r["config"])
        r["vs_nengo_dl"] = None if base is None else r["samples_per_s"] / base
        r["epoch_s"] = EPOCH / r["samples_per_s"]
    return {"size": size, "rows": rows, "goals": goals(rows)}


def find(rows, method, config, part="training"):
    """The samples/s of one row, or None if it was not measured."""
    for r in rows:
        if (r["method"], r["config"], r["part"]) == (method, config, part):
            return r["samples_per_s"]
    return None


def goals(rows):
    """The project's goals and a few informative ratios, as dicts.

    A goal whose methods were not run is listed with ``ratio`` None; an
    informative ratio is left out.
    """
    out = []

    def ratio(name, num, den, goal, note):
        measured = num is not None and den is not None
        if not measured and goal is None:
            return
        value = num / den if measured else None
        out.append(
            {
                "name": name,
                "ratio": value,
                "goal": goal,
                "met": None if goal is None or not measured else bool(value >= goal),
                "note": note,
            }
        )

    par = find(rows, "parallel", "feedforward", "features + training")
    ratio(
        "parallel (features + training) / sequential NengoDL, feedforward",
        par,
        find(rows, "nengo_dl", "feedforward"),
        PARALLEL_GOAL,
        "the same model, trained on the closed form or stepped",
    )
    ratio(
        "parallel (features + training) / sequential NengoDL, recurrent",
        par,
        find(rows, "nengo_dl", "recurrent"),
        PARALLEL_GOAL,
        "against the paper's recurrent model",
    )
    ratio(
        "sequential NengoDL / KerasLMU, recurrent",
        find(rows, "nengo_dl", "recurrent"),
        find(rows, "keras_lmu", "recurrent"),
        1.0,
        "like for like: both step through time",
    )
    ratio(
        "sequential NengoDL / KerasLMU, feedforward",
        find(rows, "nengo_dl", "feedforward"),
        find(rows, "keras_lmu", "feedforward"),
        None,
        "not like for like: KerasLMU uses its FFT layer here (no goal)",
    )
    for config in CONFIGS:
        ratio(
            f"sequential NengoDL, operators apart / merged, {config}",
            find(rows, "nengo_dl", config),
            find(rows, "nengo_dl_merged", config),
            None,
            "NengoDL's noop_planner against its default planner (no goal)",
        )
    ratio(
        "parallel (features + training) / KerasLMU FFT, feedforward",
        par,
        find(rows, "keras_lmu", "feedforward"),
        None,
        "the two closed-form trainings (no goal)",
    )
    return out


# --------------------------------------------------------------------------
# report


def environment(args, size, argv=None):
    """The run's record (`_common.environment`, with the GPUs) and this
    benchmark's settings and TensorFlow threads, for the JSON and the Markdown.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.
    size : dict
        The model's ``order``, ``n_steps`` and ``units``.
    argv : list of str, optional
        The arguments ``main`` was given (``sys.argv[1:]`` by default).
    """
    # imported first, so that the versions recorded are those of the loaded modules
    tf, _, _ = import_tf()
    return {
        **common.environment(__file__, argv, with_gpus=True),
        "tf_threads": {
            "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
        },
        "settings": {
            **size,
            "theta_steps": size["n_steps"],
            "theta_s": size["n_steps"] * DT,
            "dt_s": DT,
            "input_d": 1,
            "memory_d": 1,
            "classes": N_CLASSES,
            "dtype": "float32",
            "batch_size": args.batch_size,
            "parallel_batch_size": args.parallel_batch_size,
            "warmup_batches": args.warmup_batches,
            "timed_batches": args.timed_batches,
            "fast_batches": args.fast_batches,
            "steps_per_execution": args.steps_per_execution,
            "feature_samples": args.feature_samples,
            "unroll_simulation": args.unroll,
            "optimizer": f"Adam(lr={args.lr})",
            "loss": "sparse categorical cross-entropy from logits, last step",
            "data": f"uniform random pixels in [0, 1), random labels, seed {args.seed}",
            "methods": args.methods,
            "configs": args.configs,
            "quick": args.quick,
            "isolated": args.isolate,
            "repeats": args.repeats if args.isolate else 1,
        },
        "configs": CONFIGS,
    }


METHOD_NAMES = {
    "parallel": "parallel (nengo-lmu)",
    "nengo_dl": "sequential NengoDL (nengo-lmu)",
    "nengo_dl_merged": "sequential NengoDL, operators merged",
    "keras_lmu": "KerasLMU",
}


def speed_table(results):
    """One row per method, configuration and part."""
    header = [
        "method",
        "configuration",
        "part",
        "samples/s",
        f"x {BASELINE}",
        "epoch (60k)",
        "build s",
        "warm-up s",
        "timed samples",
        "params",
    ]
    rows = []
    for r in results["rows"]:
        name = METHOD_NAMES[r["method"]]
        if r["method"] == "keras_lmu":
            name += " (FFT)" if "Feedforward" in r["implementation"] else " (RNN)"
        rows.append(
            [
                name,
                r["config"],
                r["part"],
                fmt(r["samples_per_s"]),
                "-" if r["vs_nengo_dl"] is None else fmt(r["vs_nengo_dl"]),
                duration(r["epoch_s"]),
                fmt(r.get("build_s")),
                fmt(r.get("warmup_s")),
                str(r.get("timed_samples", "-")),
                "-" if r.get("params") is None else str(r["params"]),
            ]
        )
    return markdown_table(header, rows)


def goal_lines(results):
    """One line per goal or informative ratio."""
    lines = []
    for g in results["goals"]:
        if g["ratio"] is None:
            lines.append(
                f"- {g['name']}: not measured (goal >= {g['goal']:g}; run both "
                "methods of this configuration)"
            )
            continue
        if g["goal"] is None:
            verdict = "info"
        else:
            verdict = f"goal >= {g['goal']:g}: " + (
                "met" if g["met"] else "**not met**"
            )
        lines.append(f"- {g['name']}: {fmt(g['ratio'])}x ({verdict}; {g['note']})")
    return lines


def markdown_report(results, env, elapsed):
    """The whole report as Markdown."""
    s = env["settings"]
    v = env["versions"]
    gpu = ", ".join(env["gpus"]) if env["gpus"] else "none (CPU only)"
    lines = [
        "# LMU training speed: parallel path, sequential NengoDL, KerasLMU",
        "",
        f"Produced by `{env['command']}` on {env['date']} in {elapsed:.0f} s"
        + (" (**quick smoke run, not for comparison**)" if s["quick"] else "")
        + ".",
        "",
        f"- Machine: {env['cpu_model']}, {env['cpu_count']} cores "
        f"(TensorFlow threads: intra-op {env['tf_threads']['intra_op'] or 'default'}"
        f", inter-op {env['tf_threads']['inter_op'] or 'default'}); GPU: {gpu}",
        f"- Platform: {env['platform']}",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"- nengo_lmu source: {package_line(env)}",
        f"- Load average (1 min) at start / end: {env['load_start']:.2f} / "
        f"{env['load_end']:.2f}",
        f"- Model: order {s['order']}, theta {s['theta_steps']} steps "
        f"({s['theta_s']:g} s at dt {s['dt_s']} s), {s['units']} units, input_d 1, "
        f"memory_d 1, {s['classes']} classes, float32; {s['optimizer']}, "
        f"{s['loss']}",
        f"- Batch size {s['batch_size']} (parallel training "
        f"{s['parallel_batch_size']}); {s['warmup_batches']} warm-up batch(es), "
        f"then {s['timed_batches']} timed batch(es) for the stepping methods and "
        f"{s['fast_batches']} for parallel training "
        f"({s.get('steps_per_execution', 1)} per call of the training function); "
        "parallel features for "
        f"{s['feature_samples']} sequences in one call; NengoDL "
        f"unroll_simulation={s['unroll_simulation']}"
        + (
            f"; each method and configuration in a fresh process, the fastest of "
            f"{s.get('repeats', 1)} runs for the stepping methods"
            if s.get("isolated")
            else ""
        ),
        f"- Data: {s['data']} (the same arrays for every method; a training "
        "step's time does not depend on the values)",
        "- Methods run: "
        + ", ".join(s["methods"])
        + "; configurations: "
        + ", ".join(s["configs"]),
    ]
    if set(s["methods"]) != set(METHODS) or set(s["configs"]) != set(CONFIGS):
        lines.append(
            "- **Partial run**: not every method and configuration was measured, "
            "so some ratios and goals are missing"
        )
    lines += [
        "",
        "Configurations (LMUCell / KerasLMU options):",
        "",
    ]
    for name, opts in env["configs"].items():
        on = [k for k, val in opts.items() if val]
        lines.append(f"- `{name}`: " + ", ".join(f"`{k}`" for k in on))
    lines += [
        "",
        "## Samples per second",
        "",
        f"`x {BASELINE}`: samples/s over the sequential NengoDL training of the "
        "same configuration (the parallel path is the feedforward configuration). "
        "Parallel `features`: `LMUCell.parallel_input(x, steps=[-1])` per sequence; "
        "`training`: `nengo_dl.Simulator.fit` on one-step samples; "
        "`features + training`: both, per sample of an epoch. `epoch (60k)`: the "
        "projected time for psMNIST's 60,000 training sequences. `build s`: "
        "simulator or model construction and `compile`; `warm-up s`: the first "
        "batch(es), with tracing. `params`: trainable parameters (the Keras "
        "readout has a bias, NengoDL's has not).",
        "",
        speed_table(results),
        "",
        "## Goals",
        "",
    ]
    lines += goal_lines(results) + [""]
    return "\n".join(lines)


def parse_args(argv=None):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: order 16, 50 steps, 16 units, few batches; writes no "
        "files unless --json or --markdown is given",
    )
    parser.add_argument(
        "--methods",
        nargs="+",
        choices=METHODS,
        default=list(METHODS),
        help="(default all)",
    )
    parser.add_argument(
        "--configs",
        nargs="+",
        choices=list(CONFIGS),
        default=list(CONFIGS),
        help="configurations for nengo_dl and keras_lmu (default both; parallel "
        "is always feedforward)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=None, help="(default 32, --quick 16)"
    )
    parser.add_argument(
        "--parallel-batch-size",
        type=int,
        default=None,
        help="batch size of the parallel path's training (default --batch-size)",
    )
    parser.add_argument(
        "--warmup-batches",
        type=int,
        default=2,
        help="untimed batches before timing (default 2: in single runs, "
        "sequential NengoDL, operators merged, measured 9.3 samples/s after one, "
        "13.5 after two)",
    )
    parser.add_argument(
        "--timed-batches",
        type=int,
        default=2,
        help="timed batches of the stepping methods (default 2)",
    )
    parser.add_argument(
        "--fast-batches",
        type=int,
        default=None,
        help="timed batches of parallel training (default 500, --quick 5: "
        "a tenth of an epoch at batch 32, so that the set-up of Keras's fit call "
        "weighs on the rate about as little as in an epoch)",
    )
    parser.add_argument(
        "--steps-per-execution",
        type=int,
        default=50,
        help="parallel training batches per call of Keras's training function "
        "(``compile(steps_per_execution=...)``, default 50: a one-step batch is "
        "so short that the call's overhead matters)",
    )
    parser.add_argument(
        "--feature-samples",
        type=int,
        default=None,
        help="sequences whose parallel features are timed (default 10000, --quick 200)",
    )
    parser.add_argument(
        "--unroll",
        type=int,
        default=1,
        help="NengoDL unroll_simulation; must divide the number of steps (default 1)",
    )
    parser.add_argument(
        "--no-isolate",
        dest="isolate",
        action="store_false",
        help="measure everything in this process (by default each method and "
        "configuration runs in a fresh one: see measure_in_child)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="fresh-process runs of each stepping method, the fastest kept "
        "(default 3; see best_of_children)",
    )
    parser.add_argument("--rows-out", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam (default 1e-3)")
    parser.add_argument("--seed", type=int, default=0, help="data seed (default 0)")
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help=f"JSON results (default {DEFAULT_JSON.relative_to(REPO)})",
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        default=None,
        help=f"Markdown report (default {DEFAULT_MARKDOWN.relative_to(REPO)})",
    )
    parser.add_argument(
        "--render",
        type=Path,
        default=None,
        metavar="JSON",
        help="measure nothing: recompute the goals of the results in JSON, "
        "rewrite it and write the Markdown report (--markdown) from it",
    )
    args = parser.parse_args(argv)
    if args.batch_size is None:
        args.batch_size = 16 if args.quick else 32
    if args.parallel_batch_size is None:
        args.parallel_batch_size = args.batch_size
    if args.fast_batches is None:
        args.fast_batches = 5 if args.quick else 500
    if args.feature_samples is None:
        args.feature_samples = 200 if args.quick else 10_000
    if not args.quick and args.rows_out is None:
        args.json = args.json or DEFAULT_JSON
        args.markdown = args.markdown or DEFAULT_MARKDOWN
    size = QUICK if args.quick else PSMNIST
    if size["n_steps"] % args.unroll:
        parser.error(f"--unroll {args.unroll} does not divide {size['n_steps']} steps")
    for name in COUNTS + ("repeats",):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.feature_samples < args.parallel_batch_size:
        parser.error("--feature-samples must be at least --parallel-batch-size")
    return args, dict(size)


def render(json_path, markdown_path):
    """Rewrite the goals in ``json_path`` and the Markdown report from it."""
    data = json.loads(json_path.read_text())
    env = data.pop("environment")
    data["goals"] = goals(data["rows"])
    print(speed_table(data))
    print("\n".join(goal_lines(data)))
    write_results(
        {"environment": env, **data},
        markdown_report(data, env, env["elapsed_s"]),
        json_path,
        markdown_path,
    )


def main(argv=None):
    """Run the benchmark, print the tables, write the JSON and Markdown."""
    args, size = parse_args(argv)
    if args.render is not None:
        render(args.render, args.markdown or DEFAULT_MARKDOWN)
        return
    start = time.perf_counter()
    load_start = os.getloadavg()[0]
    package_start = package_state()
    results = run_benchmark(args, size)
    elapsed = time.perf_counter() - start
    env = environment(args, size, argv)
    env["load_start"], env["load_end"] = load_start, os.getloadavg()[0]
    env["elapsed_s"] = elapsed
    env["package_start"], env["package_end"] = package_start, package_state()

    print()
    print(speed_table(results))
    print()
    print("\n".join(goal_lines(results)))
    gpus = ", ".join(env["gpus"]) or "none"
    print(
        f"\n{env['cpu_model']}, {env['cpu_count']} cores, GPU: {gpus}, TensorFlow "
        f"{env['versions']['tensorflow']}, load {env['load_start']:.2f} / "
        f"{env['load_end']:.2f}"
    )
    print(f"nengo_lmu source: {package_line(env)}")
    print(f"total time: {elapsed:.0f} s")

    write_results(
        {"environment": env, **results},
        markdown_report(results, env, elapsed),
        args.json,
        args.markdown,
    )


if __name__ == "__main__":
    main()
