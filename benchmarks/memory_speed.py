"""Simulation speed of `nengo_lmu.LegendreMemory` against the connection formulation.

What is measured
----------------
Steps per second of the Legendre memory alone (no hidden layer, no readout),
in two formulations that compute the same thing:

``LegendreMemory``
    ``nengo.Node(nengo_lmu.LegendreMemory(order, theta, size_in=d))``, built as
    one `nengo_lmu.SimLegendreMemory` operator that advances all ``d`` input
    dimensions with one ``(d, order + 1) @ (order + 1, order)`` product.

``connections``
    The formulation of NengoDL's LMU notebook: a passthrough
    ``nengo.Node(size_in=d * order)`` with a recurrent
    ``nengo.Connection(m, m, transform=kron(eye(d), Ad), synapse=0)`` and an
    input ``nengo.Connection(u, m, transform=kron(eye(d), Bd), synapse=None)``,
    where ``(Ad, Bd) = discretize(*lmu_system(order, theta), dt, "zoh")``.
    Nengo stores the block-diagonal transforms as dense matrices, so the
    recurrent product is ``(d * order)^2`` multiply-adds per step.

Both give ``m[t] = Ad m[t - 1] + Bd u[t]``: the ``synapse=0`` of the recurrent
connection is nengo's one-step delay (a synapse output is an *update*, read
on the next step), and the input connection has no synapse, so the memory at
step ``t`` includes the input of step ``t``, as `LegendreMemory` does. The
script checks this numerically for every configuration and simulator instead
of assuming it: each formulation is run next to `LegendreMemory` on a
white-noise input and compared at lags -1, 0 and +1 steps (columns
``max abs diff`` and ``lag`` of the table, and the timing-semantics table).
A variant with ``synapse=0`` on the input connection too, which is one step
late, takes part in that check (not in the timings) as a positive control.

Simulators: nengo core (``optimize=True``) and NengoDL inference
(``sim.run_steps`` with batched input data, ``minibatch_size`` 1 and 100).
Each measurement builds the simulator once, warms it up, sizes a run to last
at least ``--min-time`` seconds, runs that size once untimed (NengoDL retraces
its TensorFlow function for every new number of steps), and keeps the best of
``--repeats`` timed runs. The formulations of one configuration are built side
by side and their timed runs alternate, so that changes in the machine's load
affect them alike. The input is a constant vector in nengo core (a constant
Node has no operator of its own, so only the memory and its input connection
are timed) and white noise fed through ``data=`` in NengoDL (a batch of
distinct sequences, as in inference). The networks being timed have no
probes. Rows ``(no memory)`` time the network with only the input Node in
each simulator: the simulator's own cost per step.

The floor (nengo core): a memory step cannot cost less than (a) the step of
the ``(no memory)`` network plus (b) one dense ``(d, order) @ (order, order)``
product into a preallocated output (``np.dot(..., out=...)``, timed with
`timeit`, its timed runs alternating with those of the networks). The floor
ratio is the `LegendreMemory` step time over that sum. For information the
table also shows what nengo charges to deliver the input to any Node (the
``(input only)`` network: the input connected, without a synapse, to a
passthrough Node, for which nengo builds a Reset and a Copy) and the ratio over
the floor plus that cost.
The project's goals: `LegendreMemory` ahead of the connection formulation in
both simulators, and within 1.3 times the floor in nengo core.

Timings depend on the machine and on everything else running on it; the
output records the CPU, core count, library versions and load average.

Adding a formulation
--------------------
Write a function ``add_<name>(inp, order, theta, dt) -> nengo.Node`` that adds
the memory, driven by the Node ``inp``, to the current network and returns the
object whose output is the ``d * order`` memory in `LegendreMemory`'s layout
(all coefficients of input dimension 0, then dimension 1, ...), and add it to
`FORMULATIONS`. It then gets its own rows in the table, its own sanity check
against `LegendreMemory`, and can be selected with ``--formulations``.
A ``feasible`` function lets a formulation skip sizes it cannot build (the
connection formulation's dense transform at large orders).

Usage::

    python benchmarks/memory_speed.py            # full run, writes docs/benchmarks/
    python benchmarks/memory_speed.py --quick    # smoke run, writes nothing
"""

import argparse
import os
import sys
import time
import timeit
import warnings
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow is imported

import nengo  # noqa: E402  pylint: disable=wrong-import-position

import nengo_lmu  # noqa: E402  pylint: disable=wrong-import-position

import _common as common  # noqa: E402  pylint: disable=wrong-import-position
from _common import (  # noqa: E402  pylint: disable=wrong-import-position
    REPO,
    fmt,
    markdown_table,
    package_line,
    package_state,
    write_results,
)

DEFAULT_JSON = common.RESULTS / "memory_speed.json"
DEFAULT_MARKDOWN = common.RESULTS / "memory_speed.md"

THETA = 1.0  # window length in seconds
DT = 0.001  # simulator time step in seconds
REFERENCE = "LegendreMemory"  # every formulation is checked against this one
EMPTY = "(no memory)"  # the network with only the input Node: the per-step floor
INPUT_ONLY = "(input only)"  # the input connected to a passthrough Node
MATVEC = "(np.dot)"  # the dense product of the floor, timed with the networks
BASELINE = "connections"  # speeds are reported relative to this one
SANITY_STEPS = 300  # steps run for the numerical comparison
MAX_DATA = 10_000_000  # most input values fed to NengoDL in one call


# --------------------------------------------------------------------------
# formulations


def discrete_system(order, theta, dt):
    """The zero-order-hold ``(Ad, Bd)`` that both formulations use.

    Parameters
    ----------
    order : int
        Number of Legendre coefficients per input dimension.
    theta : float
        Window length in seconds.
    dt : float
        Simulator time step in seconds.

    Returns
    -------
    Ad : (order, order) ndarray
    Bd : (order, 1) ndarray
    """
    return nengo_lmu.discretize(*nengo_lmu.lmu_system(order, theta), dt, "zoh")


def add_legendre_memory(inp, order, theta, dt):  # pylint: disable=unused-argument
    """Add a `nengo_lmu.LegendreMemory` node driven by ``inp``.

    Parameters
    ----------
    inp : nengo.Node
        The input, ``d = inp.size_out`` dimensions.
    order : int
        Number of Legendre coefficients per input dimension.
    theta : float
        Window length in seconds.
    dt : float
        Simulator time step (unused: the process discretises for the
        simulator's own ``dt``).

    Returns
    -------
    nengo.Node
        The memory, ``d * order`` dimensions.
    """
    memory = nengo.Node(
        nengo_lmu.LegendreMemory(order, theta, size_in=inp.size_out), label="memory"
    )
    nengo.Connection(inp, memory, synapse=None)
    return memory


def add_connection_memory(inp, order, theta, dt, input_synapse=None):
    """Add the memory as NengoDL's LMU notebook writes it, with connections.

    A passthrough node ``m`` with the recurrent connection
    ``kron(eye(d), Ad)`` (``synapse=0``, nengo's one-step delay) and the input
    connection ``kron(eye(d), Bd)`` (no synapse, as in the notebook), which
    gives ``m[t] = Ad m[t - 1] + Bd u[t]``.

    Parameters
    ----------
    inp : nengo.Node
        The input, ``d = inp.size_out`` dimensions.
    order : int
        Number of Legendre coefficients per input dimension.
    theta : float
        Window length in seconds.
    dt : float
        Simulator time step in seconds, for the discretisation.
    input_synapse : optional
        Synapse of the input connection. ``0`` delays the memory by one step
        (``m[t] = Ad m[t - 1] + Bd u[t - 1]``); used only as the sanity
        check's positive control.

    Returns
    -------
    nengo.Node
        The memory, ``d * order`` dimensions.
    """
    d = inp.size_out
    Ad, Bd = discrete_system(order, theta, dt)
    memory = nengo.Node(size_in=d * order, label="memory")
    nengo.Connection(memory, memory, transform=np.kron(np.eye(d), Ad), synapse=0)
    nengo.Connection(
        inp, memory, transform=np.kron(np.eye(d), Bd), synapse=input_synapse
    )
    return memory


def add_delayed_connection_memory(inp, order, theta, dt):
    """The connection formulation with ``synapse=0`` on the input connection too.

    One step late relative to `LegendreMemory`; not timed, only run in the
    sanity check to show that the check detects a one-step delay.
    """
    return add_connection_memory(inp, order, theta, dt, input_synapse=0)


def always_feasible(order, d):  # pylint: disable=unused-argument
    """No size limit: returns None (no reason to skip)."""
    return None


def dense_transform_feasible(order, d, max_bytes=2**30):
    """Skip sizes whose dense ``(d * order)^2`` float64 transform exceeds ``max_bytes``.

    Returns
    -------
    str or None
        The reason to skip, or None.
    """
    n_bytes = (d * order) ** 2 * 8
    if n_bytes > max_bytes:
        return f"dense transform of {n_bytes / 2**30:.1f} GiB"
    return None


class Formulation(NamedTuple):
    """A way to build the memory into a network.

    Attributes
    ----------
    build : callable
        ``build(inp, order, theta, dt) -> nengo.Node``, called inside a
        network; returns the node whose output is the memory.
    description : str
        One line for the report.
    feasible : callable
        ``feasible(order, d) -> str or None``: a reason to skip this size, or
        None to measure it.
    timed : bool
        False for formulations that only take part in the sanity check.
    """

    build: Callable
    description: str
    feasible: Callable = always_feasible
    timed: bool = True


# The hook for further formulations (see the module docstring): name -> Formulation.
FORMULATIONS = {
    "LegendreMemory": Formulation(
        add_legendre_memory,
        "nengo.Node(nengo_lmu.LegendreMemory(order, theta, size_in=d))",
    ),
    "connections": Formulation(
        add_connection_memory,
        "passthrough Node(size_in=d*order); Connection(m, m, kron(eye(d), Ad), "
        "synapse=0); Connection(u, m, kron(eye(d), Bd), synapse=None)",
        dense_transform_feasible,
    ),
    "connections-delayed": Formulation(
        add_delayed_connection_memory,
        "as connections, but Connection(u, m, kron(eye(d), Bd), synapse=0) "
        "(sanity check only: expected one step late)",
        dense_transform_feasible,
        timed=False,
    ),
}


def constant_input(d):
    """The constant input of nengo core: nonzero and distinct per dimension."""
    return 0.5 * np.cos(np.arange(d) + 0.5)


def white_noise(shape, seed=0):
    """Band-limited white noise (5 Hz, RMS 0.5) of shape ``(batch, n_steps, d)``.

    Generated with `nengo.processes.WhiteSignal` over a 1 s period (repeated
    for longer runs), so that it costs little memory for long runs.
    """
    batch, n_steps, d = shape
    process = nengo.processes.WhiteSignal(1.0, high=5, rms=0.5, seed=seed)
    signal = process.run_steps(min(n_steps, int(round(1.0 / DT))), d=batch * d, dt=DT)
    signal = np.resize(signal, (n_steps, batch * d))  # np.resize repeats the period
    return signal.reshape(n_steps, batch, d).transpose(1, 0, 2).copy()


def build_network(
    formulations, order, d, theta=THETA, dt=DT, output=None, probe=False, sink=False
):
    """A network with one input Node and the given memory formulations.

    Parameters
    ----------
    formulations : iterable of str
        Keys of `FORMULATIONS`; may be empty (the floor network).
    order, d : int
        Memory order and number of input dimensions.
    theta, dt : float
        Window length and time step in seconds.
    output : array_like or nengo.Process, optional
        The input node's output; a constant vector by default.
    probe : bool
        Whether to probe each memory (for the sanity check).
    sink : bool
        Whether to connect the input to a passthrough Node (`INPUT_ONLY`).

    Returns
    -------
    net : nengo.Network
    inp : nengo.Node
        The input node (for feeding data to NengoDL).
    probes : dict
        Formulation name -> probe (empty if ``probe`` is False).
    """
    if output is None:
        output = constant_input(d)
    with nengo.Network(seed=0) as net:
        inp = nengo.Node(output, size_out=d, label="input")
        memories = {
            name: FORMULATIONS[name].build(inp, order, theta, dt)
            for name in formulations
        }
        if sink:
            nengo.Connection(inp, nengo.Node(size_in=d, label="sink"), synapse=None)
        probes = (
            {name: nengo.Probe(mem, synapse=None) for name, mem in memories.items()}
            if probe
            else {}
        )
    return net, inp, probes


# --------------------------------------------------------------------------
# simulators


class SimulatorSpec(NamedTuple):
    """A simulator and its settings, one group of rows in the table."""

    backend: str  # "nengo" or "nengo_dl"
    minibatch: int = 1
    unroll: int = 1

    @property
    def label(self):
        """Short name for the table."""
        if self.backend == "nengo":
            return "nengo"
        return f"nengo_dl mb={self.minibatch} unroll={self.unroll}"


def import_nengo_dl():
    """Import NengoDL quietly (its version warnings and TensorFlow's logging)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nengo_dl  # pylint: disable=import-outside-toplevel
        import tensorflow as tf  # pylint: disable=import-outside-toplevel

    tf.get_logger().setLevel("ERROR")
    return nengo_dl


def make_simulator(spec, net):
    """Build ``net`` in the simulator described by ``spec``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec.backend == "nengo":
            return nengo.Simulator(net, dt=DT, optimize=True, progress_bar=False)
        nengo_dl = import_nengo_dl()
        from nengo_lmu.dl import fast_dot_products  # pylint: disable=import-outside-toplevel

        # every formulation with nengo-lmu's faster dense product, so that the
        # connection formulations are timed at their best
        with fast_dot_products():
            return nengo_dl.Simulator(
                net,
                dt=DT,
                minibatch_size=spec.minibatch,
                unroll_simulation=spec.unroll,
                progress_bar=False,
            )


def make_runner(spec, sim, inp, d):
    """A function ``prepare(n_steps) -> (run, steps)`` for timing ``sim``.

    ``prepare`` does everything that should not be timed (generating the
    NengoDL input data); ``run()`` then advances the simulator by ``steps``
    steps, at least ``n_steps``. In NengoDL, ``steps`` is a multiple of
    ``unroll_simulation``, and long runs are split into calls of at most
    `MAX_DATA` input values each (the same data in every call), so that fast
    networks at large minibatches do not need gigabytes of input.
    """
    if spec.backend == "nengo":

        def prepare(n_steps):
            return (lambda: sim.run_steps(n_steps)), n_steps

        return prepare

    chunk = max(
        spec.unroll,
        MAX_DATA // (spec.minibatch * d) // spec.unroll * spec.unroll,
    )
    dtype = sim.tensor_graph.dtype

    def prepare(n_steps):
        steps = round_up(min(n_steps, chunk), spec.unroll)
        calls = int(np.ceil(n_steps / steps))
        data = {inp: white_noise((spec.minibatch, steps, d)).astype(dtype)}

        def run():
            for _ in range(calls):
                sim.run_steps(steps, data=data)

        return run, steps * calls

    return prepare


def round_up(n, multiple):
    """``n`` rounded up to a multiple of ``multiple``."""
    return int(multiple * np.ceil(n / multiple))


def calibrate(prepare, warmup, min_time):
    """Warm a built simulator up and size a timed run.

    Parameters
    ----------
    prepare : callable
        ``prepare(n_steps) -> (run, steps)``, as returned by `make_runner`.
    warmup : int
        Steps run untimed first; then the same number again, timed, to
        estimate the speed.
    min_time : float
        The timed run is sized to take at least this long (in seconds).

    Returns
    -------
    run : callable
        ``run()`` advances the simulator by ``n_steps`` steps; it has been
        called once already (NengoDL retraces its function for every new
        number of steps, so that first call is not timed).
    n_steps : int
    """
    run, n_warm = prepare(warmup)
    run()  # warm-up
    start = time.perf_counter()
    run()  # calibration
    elapsed = time.perf_counter() - start
    run, n_steps = prepare(max(n_warm, int(np.ceil(1.1 * min_time * n_warm / elapsed))))
    run()
    return run, n_steps


def time_interleaved(runs, repeats):
    """Steps per second of several simulators, timed in turn.

    The runs of the different simulators alternate (A, B, A, B, ...) so that
    a change in the machine's load affects them alike; for each, the fastest
    of its ``repeats`` runs counts.

    Parameters
    ----------
    runs : dict
        Name -> ``(run, n_steps)`` from `calibrate`.
    repeats : int
        Timed runs per simulator.

    Returns
    -------
    dict
        Name -> ``{"steps_per_s": best, "all_steps_per_s": [...],
        "n_steps": n_steps}``.
    """
    rates = {name: [] for name in runs}
    for _ in range(repeats):
        for name, (run, n_steps) in runs.items():
            start = time.perf_counter()
            run()
            rates[name].append(n_steps / (time.perf_counter() - start))
    return {
        name: {
            "steps_per_s": max(rates[name]),
            "all_steps_per_s": rates[name],
            "n_steps": runs[name][1],
        }
        for name in runs
    }


# --------------------------------------------------------------------------
# sanity check: same output, same timing?


def compare_to_reference(reference, other, max_lag=1):
    """Maximum absolute difference between two memory traces at each lag.

    Parameters
    ----------
    reference, other : (n_steps, size) ndarray
        Probed memories.
    max_lag : int
        Lags ``-max_lag .. max_lag`` are compared; lag ``k`` compares
        ``other[t + k]`` with ``reference[t]`` (``k = 1``: ``other`` is one
        step late).

    Returns
    -------
    dict
        Lag (as a string, for JSON) -> max absolute difference.
    """
    n = len(reference)
    diffs = {}
    for lag in range(-max_lag, max_lag + 1):
        ref = reference[max(0, -lag) : n - max(0, lag)]
        oth = other[max(0, lag) : n - max(0, -lag)]
        diffs[str(lag)] = float(np.max(np.abs(oth - ref)))
    return diffs


def sanity_check(spec, formulations, order, d):
    """Run every formulation next to `LegendreMemory` and compare their outputs.

    All formulations share one white-noise input Node in one network, which
    is simulated for `SANITY_STEPS` steps with probes (NengoDL at minibatch 1:
    the semantics do not depend on the batch).

    Returns
    -------
    dict
        Formulation name -> ``{"max_abs_diff": ..., "lag": ...,
        "diff_by_lag": {...}, "max_abs_memory": ...}``; ``lag`` is the lag
        with the smallest difference (0: same step; 1: one step late).
    """
    names = [REFERENCE] + [f for f in formulations if f != REFERENCE]
    process = nengo.processes.WhiteSignal(1.0, high=5, rms=0.5, seed=1)
    net, _, probes = build_network(names, order, d, output=process, probe=True)
    spec = spec._replace(minibatch=1, unroll=1)
    with make_simulator(spec, net) as sim:
        sim.run_steps(SANITY_STEPS)
        data = {
            name: np.asarray(sim.data[p]).reshape(SANITY_STEPS, -1)
            for name, p in probes.items()
        }
    reference = data[REFERENCE]
    result = {}
    for name in names:
        diffs = compare_to_reference(reference, data[name])
        best = min(diffs, key=lambda k: (diffs[k], abs(int(k))))
        result[name] = {
            "max_abs_diff": diffs["0"],
            "lag": int(best),
            "diff_by_lag": diffs,
            "max_abs_memory": float(np.max(np.abs(reference))),
        }
    return result


# --------------------------------------------------------------------------
# the floor in nengo core


def matvec_runner(order, d):
    """A function ``prepare(n_calls) -> (run, n_calls)`` that times the matvec.

    ``run()`` makes ``n_calls`` calls of ``np.dot(memory, system, out=out)``
    with shapes ``(d, order) @ (order, order)`` through `timeit` (its loop has
    the least overhead per call): the dense product of the memory with
    ``Ad^T``, the arithmetic that a memory step cannot avoid when it is done
    densely. It takes the place of a simulator in `time_interleaved`, so
    that it is timed under the same conditions as the networks.
    """
    rng = np.random.RandomState(0)
    memory = rng.uniform(-1, 1, size=(d, order))
    system = rng.uniform(-1, 1, size=(order, order)) / order
    out = np.empty((d, order))
    timer = timeit.Timer(lambda: np.dot(memory, system, out=out))

    def prepare(n_calls):
        return (lambda: timer.timeit(number=n_calls)), n_calls

    return prepare


# --------------------------------------------------------------------------
# the whole benchmark


def time_formulations(spec, formulations, order, d, args, log):
    """Build every formulation in one simulator and time them, interleaved.

    The network without a memory (only the input Node, `EMPTY`) is timed
    along with them: the simulator's own per-step cost. In nengo core the
    dense matvec of the floor (`matvec_runner`, `MATVEC`) is timed with them
    too.

    Returns
    -------
    list of dict
        One row of results per formulation, one for `EMPTY`, and in nengo
        core one for `MATVEC` (its "steps" are calls of the product).
    """
    networks = {name: [name] for name in formulations}
    networks[EMPTY] = []
    if spec.backend == "nengo":
        networks[INPUT_ONLY] = []
    sims, runs, build_s = {}, {}, {}
    try:
        for name, contents in networks.items():
            net, inp, _ = build_network(contents, order, d, sink=name == INPUT_ONLY)
            start = time.perf_counter()
            sims[name] = make_simulator(spec, net)
            build_s[name] = time.perf_counter() - start
            runs[name] = calibrate(
                make_runner(spec, sims[name], inp, d), args.warmup, args.min_time
            )
        if spec.backend == "nengo":
            build_s[MATVEC] = 0.0
            runs[MATVEC] = calibrate(
                matvec_runner(order, d), args.warmup, args.min_time
            )
        timings = time_interleaved(runs, args.repeats)
    finally:
        for sim in sims.values():
            sim.close()
    rows = []
    for name, timing in timings.items():
        rows.append(
            {
                "order": order,
                "d": d,
                "simulator": spec.backend,
                "minibatch": spec.minibatch,
                "unroll": spec.unroll if spec.backend == "nengo_dl" else None,
                "formulation": name,
                "steps_per_s": timing["steps_per_s"],
                "sample_steps_per_s": timing["steps_per_s"] * spec.minibatch,
                "us_per_step": 1e6 / timing["steps_per_s"],
                "all_steps_per_s": timing["all_steps_per_s"],
                "n_steps": timing["n_steps"],
                "build_s": build_s[name],
            }
        )
        log(
            f"order={order} d={d} {spec.label} {name}: "
            f"{timing['steps_per_s']:.0f} steps/s ({timing['n_steps']} steps per run)"
        )
    return rows


def run_benchmark(args):
    """Measure every configuration; returns the results as a JSON-able dict."""
    specs = []
    if "nengo" in args.simulators:
        specs.append(SimulatorSpec("nengo"))
    if "nengo_dl" in args.simulators:
        specs.extend(
            SimulatorSpec("nengo_dl", mb, unroll)
            for unroll in args.unroll
            for mb in args.minibatch
        )

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    rows, sanity, floor = [], [], []
    for order in args.orders:
        for d in args.dims:
            formulations = []
            for name in args.formulations:
                reason = FORMULATIONS[name].feasible(order, d)
                if reason is None:
                    formulations.append(name)
                else:
                    log(f"order={order} d={d}: skipping {name} ({reason})")
            for backend in dict.fromkeys(s.backend for s in specs):
                check = sanity_check(SimulatorSpec(backend), formulations, order, d)
                for name, res in check.items():
                    sanity.append(
                        {
                            "order": order,
                            "d": d,
                            "simulator": backend,
                            "formulation": name,
                            **res,
                        }
                    )
            timed = [f for f in formulations if FORMULATIONS[f].timed]
            for spec in specs:
                rows.extend(time_formulations(spec, timed, order, d, args, log))
            if "nengo" in args.simulators and REFERENCE in timed:
                core = {
                    r["formulation"]: r
                    for r in rows
                    if r["order"] == order and r["d"] == d and r["simulator"] == "nengo"
                }
                lm = core[REFERENCE]
                empty = core[EMPTY]["us_per_step"] * 1e-6
                mv = core[MATVEC]["us_per_step"] * 1e-6
                delivery = core[INPUT_ONLY]["us_per_step"] * 1e-6 - empty
                floor.append(
                    {
                        "order": order,
                        "d": d,
                        "empty_us": empty * 1e6,
                        "matvec_us": mv * 1e6,
                        "floor_us": (empty + mv) * 1e6,
                        "legendre_memory_us": lm["us_per_step"],
                        "ratio": lm["us_per_step"] / ((empty + mv) * 1e6),
                        "input_us": delivery * 1e6,
                        "ratio_with_input": (
                            lm["us_per_step"] / ((empty + mv + delivery) * 1e6)
                        ),
                    }
                )
    for row in rows:
        base = next(
            (
                r
                for r in rows
                if r["formulation"] == BASELINE
                and all(
                    r[k] == row[k]
                    for k in ("order", "d", "simulator", "minibatch", "unroll")
                )
            ),
            None,
        )
        row["speed_vs_baseline"] = (
            row["steps_per_s"] / base["steps_per_s"]
            if base is not None
            and row["formulation"] not in (EMPTY, INPUT_ONLY, MATVEC)
            else None
        )
    return {"rows": rows, "sanity": sanity, "floor": floor}


# --------------------------------------------------------------------------
# report


def environment(args, argv=None):
    """The run's record (`_common.environment`) with this benchmark's settings.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.
    argv : list of str, optional
        The arguments ``main`` was given (``sys.argv[1:]`` by default).
    """
    return {
        **common.environment(__file__, argv),
        "settings": {
            "theta_s": THETA,
            "dt_s": DT,
            "orders": args.orders,
            "dims": args.dims,
            "minibatch": args.minibatch,
            "unroll": args.unroll,
            "warmup_steps": args.warmup,
            "min_time_s": args.min_time,
            "repeats": args.repeats,
            "quick": args.quick,
            "core_input": "constant Node",
            "nengo_dl_input": "white noise fed with run_steps(n, data=...)",
        },
        "formulations": {k: v.description for k, v in FORMULATIONS.items()},
    }


def speed_table(results):
    """The main table: one row per configuration, simulator and formulation."""
    sanity = {
        (s["order"], s["d"], s["simulator"], s["formulation"]): s
        for s in results["sanity"]
    }
    header = [
        "order",
        "d",
        "simulator",
        "batch",
        "unroll",
        "formulation",
        "steps/s",
        "samples*steps/s",
        "us/step",
        f"x {BASELINE}",
        "max abs diff",
        "lag",
    ]
    rows = []
    for r in results["rows"]:
        if r["formulation"] == MATVEC:
            continue  # in the floor table
        s = sanity.get((r["order"], r["d"], r["simulator"], r["formulation"]))
        rows.append(
            [
                str(r["order"]),
                str(r["d"]),
                r["simulator"],
                str(r["minibatch"]),
                "-" if r["unroll"] is None else str(r["unroll"]),
                r["formulation"],
                fmt(r["steps_per_s"]),
                fmt(r["sample_steps_per_s"]) if r["minibatch"] > 1 else "-",
                fmt(r["us_per_step"]),
                (
                    "-"
                    if r["speed_vs_baseline"] is None
                    else f"{r['speed_vs_baseline']:.2f}"
                ),
                (
                    "ref"
                    if r["formulation"] == REFERENCE
                    else "-"
                    if s is None
                    else f"{s['max_abs_diff']:.1e}"
                ),
                (
                    "ref"
                    if r["formulation"] == REFERENCE
                    else "-"
                    if s is None
                    else f"{s['lag']:+d}"
                ),
            ]
        )
    return markdown_table(header, rows)


def floor_table(results):
    """The floor in nengo core and the `LegendreMemory` step time over it."""
    header = [
        "order",
        "d",
        "empty step us",
        "matvec us",
        "floor us",
        "LegendreMemory us/step",
        "ratio (goal <= 1.3)",
        "input delivery us",
        "ratio over floor + input",
    ]
    rows = [
        [
            str(f["order"]),
            str(f["d"]),
            fmt(f["empty_us"]),
            fmt(f["matvec_us"]),
            fmt(f["floor_us"]),
            fmt(f["legendre_memory_us"]),
            f"{f['ratio']:.2f}",
            fmt(f["input_us"]),
            f"{f['ratio_with_input']:.2f}",
        ]
        for f in results["floor"]
    ]
    return markdown_table(header, rows)


def sanity_table(results):
    """Each formulation against `LegendreMemory`: difference at lags -1, 0, +1."""
    header = [
        "order",
        "d",
        "simulator",
        "formulation",
        "diff lag -1",
        "diff lag 0",
        "diff lag +1",
        "best lag",
        "max abs memory",
    ]
    rows = [
        [
            str(s["order"]),
            str(s["d"]),
            s["simulator"],
            s["formulation"],
            *(f"{s['diff_by_lag'][k]:.1e}" for k in ("-1", "0", "1")),
            f"{s['lag']:+d}",
            f"{s['max_abs_memory']:.2f}",
        ]
        for s in results["sanity"]
        if s["formulation"] != REFERENCE
    ]
    return markdown_table(header, rows)


def summary_lines(results):
    """Plain statements on the timing semantics and the project's goals."""
    lines = []
    checks = [s for s in results["sanity"] if s["formulation"] != REFERENCE]
    for name in dict.fromkeys(s["formulation"] for s in checks):
        mine = [s for s in checks if s["formulation"] == name]
        lags = sorted({s["lag"] for s in mine})
        worst = {
            sim: max(
                s["diff_by_lag"][str(s["lag"])] for s in mine if s["simulator"] == sim
            )
            for sim in dict.fromkeys(s["simulator"] for s in mine)
        }
        worst_text = ", ".join(f"{v:.1e} in {k}" for k, v in worst.items())
        if lags == [0]:
            lines.append(
                f"- `{name}` computes the same memory as `{REFERENCE}` at the same "
                f"step in every configuration (max abs diff {worst_text})."
            )
        else:
            lag_text = " and ".join(
                (
                    "the same step"
                    if lag == 0
                    else f"**{abs(lag)} step{'s' if abs(lag) > 1 else ''} "
                    f"{'late' if lag > 0 else 'early'}**"
                )
                for lag in lags
            )
            lines.append(
                f"- `{name}` matches `{REFERENCE}` {lag_text} (max abs diff at "
                f"that lag {worst_text})."
            )
    for r in results["rows"]:
        if r["formulation"] == REFERENCE and r["speed_vs_baseline"] is not None:
            verdict = "ahead of" if r["speed_vs_baseline"] > 1 else "**behind**"
            unroll = "" if r["unroll"] is None else f" unroll={r['unroll']}"
            lines.append(
                f"- order={r['order']} d={r['d']} {r['simulator']} "
                f"mb={r['minibatch']}{unroll}: `{REFERENCE}` {verdict} `{BASELINE}` "
                f"({r['speed_vs_baseline']:.2f}x)"
            )
    for f in results["floor"]:
        verdict = "within" if f["ratio"] <= 1.3 else "**not within**"
        lines.append(
            f"- order={f['order']} d={f['d']} nengo core: `{REFERENCE}` step is "
            f"{f['ratio']:.2f}x the floor, {verdict} 1.3x"
        )
    return lines


def markdown_report(results, env, elapsed):
    """The whole report as Markdown."""
    v = env["versions"]
    cfg = env["settings"]
    lines = [
        "# LegendreMemory simulation speed",
        "",
        f"Produced by `{env['command']}` on {env['date']} in {elapsed:.0f} s"
        + (" (**quick smoke run, not for comparison**)" if cfg["quick"] else "")
        + ".",
        "",
        f"- CPU: {env['cpu_model']} (`platform.processor()`: "
        f"`{env['processor'] or 'empty'}`), {env['cpu_count']} cores",
        f"- Platform: {env['platform']}",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"- nengo_lmu source: {package_line(env)}",
        f"- Load average (1 min) at start / end: {env['load_start']:.2f} / "
        f"{env['load_end']:.2f}",
        f"- theta = {cfg['theta_s']} s, dt = {cfg['dt_s']} s; best of "
        f"{cfg['repeats']} runs of >= {cfg['min_time_s']} s each after "
        f"{cfg['warmup_steps']} warm-up steps; nengo core input: constant Node; "
        "NengoDL input: white noise fed with `run_steps(n, data=...)`; no probes "
        "in the timed networks.",
        "",
        "Formulations:",
        "",
    ]
    lines += [f"- `{k}`: `{d}`" for k, d in env["formulations"].items()]
    lines += [
        "",
        "## Steps per second",
        "",
        f"`x {BASELINE}` is the speed relative to the `{BASELINE}` formulation in the "
        "same simulator and settings. `max abs diff` compares each formulation's "
        f"memory with `{REFERENCE}`'s on the same white-noise input, at the same "
        "step, in that simulator (NengoDL in float32); `lag` is the shift in steps "
        "that matches them best (+1: one step late).",
        "",
        speed_table(results),
        "",
        "## Timing semantics",
        "",
        f"Each formulation against `{REFERENCE}` on the same white-noise input "
        f"({SANITY_STEPS} steps, NengoDL at minibatch 1): max abs difference when "
        "the other formulation's memory is shifted by -1, 0 and +1 steps (+1: it "
        "is compared one step later). `connections-delayed` (`synapse=0` on the "
        "input connection too) is not timed: it is a positive control that shows "
        "what a one-step delay looks like in this check.",
        "",
        sanity_table(results),
        "",
    ]
    if results["floor"]:
        lines += [
            "## The floor in nengo core",
            "",
            "Empty step: a network holding only the constant input Node. Matvec: "
            "one `np.dot((d, order), (order, order), out=...)`. Ratio: "
            f"`{REFERENCE}` step time / (empty step + matvec). Input delivery: "
            "the step of the input connected to a passthrough Node (a Reset and a "
            "Copy in nengo) less the empty step, shown for information.",
            "",
            floor_table(results),
            "",
        ]
    lines += ["## Summary", ""] + summary_lines(results) + [""]
    return "\n".join(lines)


def parse_args(argv=None):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: short timings, and no files written unless --out or "
        "--markdown is given",
    )
    parser.add_argument(
        "--out",
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
        "--orders",
        type=int,
        nargs="+",
        default=[64, 256],
        help="memory orders (default 64 256)",
    )
    parser.add_argument(
        "--dims",
        type=int,
        nargs="+",
        default=[1, 8],
        help="input dimensions d (default 1 8)",
    )
    parser.add_argument(
        "--simulators",
        nargs="+",
        choices=["nengo", "nengo_dl"],
        default=["nengo", "nengo_dl"],
        help="(default both)",
    )
    parser.add_argument(
        "--minibatch",
        type=int,
        nargs="+",
        default=[1, 100],
        help="NengoDL minibatch sizes (default 1 100)",
    )
    parser.add_argument(
        "--unroll",
        type=int,
        nargs="+",
        default=[1],
        help="NengoDL unroll_simulation values (default 1)",
    )
    parser.add_argument(
        "--formulations",
        nargs="+",
        choices=list(FORMULATIONS),
        default=list(FORMULATIONS),
        help=f"(default all; {REFERENCE} is always included)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="timed runs per measurement; the best counts (default 3)",
    )
    parser.add_argument(
        "--min-time",
        type=float,
        default=None,
        help="seconds per timed run (default 1.5, --quick 0.1)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=None,
        help="warm-up steps (default 300, --quick 100)",
    )
    args = parser.parse_args(argv)
    if args.min_time is None:
        args.min_time = 0.1 if args.quick else 1.5
    if args.warmup is None:
        args.warmup = 100 if args.quick else 300
    if not args.quick:
        args.out = args.out or DEFAULT_JSON
        args.markdown = args.markdown or DEFAULT_MARKDOWN
    if REFERENCE not in args.formulations:
        args.formulations.insert(0, REFERENCE)  # needed for the sanity check
    return args


def main(argv=None):
    """Run the benchmark, print the tables, write the JSON and Markdown."""
    args = parse_args(argv)
    start = time.perf_counter()
    load_start = os.getloadavg()[0]
    package_start = package_state()
    results = run_benchmark(args)
    elapsed = time.perf_counter() - start
    env = environment(args, argv)
    env["load_start"], env["load_end"] = load_start, os.getloadavg()[0]
    env["elapsed_s"] = elapsed
    env["package_start"], env["package_end"] = package_start, package_state()

    print(speed_table(results))
    print()
    print(sanity_table(results))
    if results["floor"]:
        print()
        print(floor_table(results))
    print()
    print("\n".join(summary_lines(results)))
    print(f"\nnengo_lmu source: {package_line(env)}")
    print(f"total time: {elapsed:.0f} s")

    write_results(
        {"environment": env, **results},
        markdown_report(results, env, elapsed),
        args.out,
        args.markdown,
    )


if __name__ == "__main__":
    main()
