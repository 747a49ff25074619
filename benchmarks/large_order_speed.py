"""Large-order memories: the O(order) structured step against the dense step.

What is measured
----------------
Steps per second of one `nengo_lmu.LegendreMemory` node (``size_in`` 1 and 4)
in the nengo reference simulator, at orders 1024 and 4096, for

``zoh (dense)``
    the exact zero-order hold, one dense ``(order, order)`` product a step;
``pade (structured)`` / ``pade (dense)``
    the fifth-order, L-stable Padé discretisation, stepped with tridiagonal
    solves in O(order) (`nengo_lmu.memory.structured`), and the same discrete system
    as a dense product;
``euler (structured)`` / ``euler (dense)``
    forward Euler with prefix sums in O(order), and as a dense product. Euler
    is only stable for ``theta`` above `nengo_lmu.euler_min_theta` (about
    ``0.064 * order**2`` steps), so it runs with 1.2 times that window.

The dense variants of ``pade`` and ``euler`` are forced by raising
``nengo_lmu.memory.operator.STRUCTURED_MIN_ORDER`` for their build (the package
switches to the structured step by itself from that order on).

Accuracy: the Padé memory against the exact ZOH memory on 3 s of 5 Hz white
noise (theta 0.784 s): the largest difference of any coefficient, and the
NRMSE of the input decoded at delays 0.5 theta and theta from each.

Usage::

    python benchmarks/large_order_speed.py           # writes docs/benchmarks/
    python benchmarks/large_order_speed.py --quick   # orders 512 and 1024, writes nothing
"""

import argparse
import contextlib
import time

import nengo
import numpy as np

import nengo_lmu
import nengo_lmu.memory.operator
from nengo_lmu.memory.structured import structured_update

import _common as common
from _common import markdown_table, write_results

DT = 0.001


@contextlib.contextmanager
def dense_only():
    """Build memories with the dense step whatever their order."""
    saved = nengo_lmu.memory.operator.STRUCTURED_MIN_ORDER
    nengo_lmu.memory.operator.STRUCTURED_MIN_ORDER = np.inf
    try:
        yield
    finally:
        nengo_lmu.memory.operator.STRUCTURED_MIN_ORDER = saved


def steps_per_second(order, size_in, discretizer, theta, dense, min_time):
    """Best of three timed runs of at least ``min_time`` seconds, and build time."""
    with nengo.Network() as net:
        inp = nengo.Node(np.linspace(-0.5, 0.5, size_in))
        mem = nengo.Node(nengo_lmu.LegendreMemory(order, theta, discretizer, size_in))
        nengo.Connection(inp, mem, synapse=None)
    start = time.perf_counter()
    with dense_only() if dense else contextlib.nullcontext():
        sim = nengo.Simulator(net, dt=DT, progress_bar=False)
    build = time.perf_counter() - start
    with sim:
        sim.run_steps(10)
        start = time.perf_counter()
        sim.run_steps(10)
        per_step = (time.perf_counter() - start) / 10
        n_steps = max(20, int(min_time / per_step))
        best = np.inf
        for _ in range(3):
            start = time.perf_counter()
            sim.run_steps(n_steps)
            best = min(best, (time.perf_counter() - start) / n_steps)
    return 1.0 / best, build


def pade_accuracy(order, theta=0.784, seconds=3.0):
    """Padé (structured) against exact ZOH memories on band-limited noise."""
    n_steps = int(round(seconds / DT))
    process = nengo.processes.WhiteSignal(seconds, high=5, rms=0.5, seed=2)
    u = process.run_steps(n_steps, d=1, dt=DT)
    Ad, Bd = nengo_lmu.discretize(*nengo_lmu.lmu_system(order, theta), DT, "zoh")
    zoh = np.empty((n_steps, order))
    m = np.zeros(order)
    for t in range(n_steps):
        m = Ad @ m + Bd[:, 0] * u[t, 0]
        zoh[t] = m
    pade = np.empty((n_steps, order))
    m = np.zeros(order)
    advance = structured_update(order, theta, DT, "pade", m.reshape(1, order))
    for t in range(n_steps):
        advance(u[t])
        pade[t] = m
    result = {"max_abs_diff": float(np.max(np.abs(pade - zoh)))}
    readout = nengo_lmu.legendre_readout(order, [0.5, 1.0])
    skip = int(round(theta / DT))
    for name, memory in (("zoh", zoh), ("pade", pade)):
        for r, row in zip((0.5, 1.0), readout):
            lag = int(round(r * theta / DT))
            decoded, target = (memory @ row)[lag:], u[: n_steps - lag, 0]
            err = decoded[skip:] - target[skip:]
            result[f"nrmse_{name}_r{r}"] = float(
                np.sqrt(np.mean(err**2) / np.mean(target[skip:] ** 2))
            )
    return result


def run(orders, sizes_in, min_time, log):
    """Time every variant at every order and input size, then the accuracy.

    Parameters
    ----------
    orders, sizes_in : iterable of int
        Memory orders and input dimensions.
    min_time : float
        Seconds per timed run.
    log : callable
        Called with a line per measurement.

    Returns
    -------
    rows : list of dict
        One per order, input size and variant.
    accuracy : dict
        Order -> `pade_accuracy`.
    """
    rows = []
    for order in orders:
        euler_theta = 1.2 * nengo_lmu.euler_min_theta(order, DT)
        variants = [
            ("zoh", "dense", 1.0),
            ("pade", "structured", 1.0),
            ("pade", "dense", 1.0),
            ("euler", "structured", euler_theta),
            ("euler", "dense", euler_theta),
        ]
        for size_in in sizes_in:
            speeds = {}
            for discretizer, step, theta in variants:
                rate, build = steps_per_second(
                    order, size_in, discretizer, theta, step == "dense", min_time
                )
                speeds[discretizer, step] = rate
                row = {
                    "order": order,
                    "size_in": size_in,
                    "discretizer": discretizer,
                    "step": step,
                    "theta_s": theta,
                    "steps_per_s": rate,
                    "us_per_step": 1e6 / rate,
                    "build_s": build,
                }
                rows.append(row)
                log(
                    f"order {order:5d}  d {size_in}  {discretizer:5s} {step:10s} "
                    f"{rate:10.0f} steps/s  ({1e6 / rate:8.1f} us/step, build {build:5.1f} s)"
                )
            for row in rows[-len(variants) :]:
                row["x_zoh_dense"] = row["steps_per_s"] / speeds["zoh", "dense"]
                row["x_own_dense"] = (
                    row["steps_per_s"] / speeds[row["discretizer"], "dense"]
                )
    accuracy = {}
    for order in orders:
        accuracy[order] = pade_accuracy(order)
        log(f"order {order}: Padé vs ZOH {accuracy[order]}")
    return rows, accuracy


def markdown(rows, accuracy, env):
    """The report, from the results of `run` and the run's record."""
    lines = [
        "# Large-order memories: structured O(order) step against dense",
        "",
        f"Produced by `{env['command']}` on {env['date']} in {env['elapsed_s']:.0f} s "
        f"({env['cpu_model']}, {env['cpu_count']} cores; "
        f"{common.versions_text(env, ['numpy', 'nengo'])}).",
        "",
        "Nengo reference simulator, dt = 1 ms, best of 3 timed runs. Euler runs with "
        "theta = 1.2 x `euler_min_theta` (it is unstable below), the others with "
        "theta = 1 s. `x own dense` compares each step with the dense product of the "
        "same discrete system; `x zoh dense` with the exact ZOH memory.",
        "",
        markdown_table(
            [
                "order",
                "d",
                "discretizer",
                "step",
                "steps/s",
                "us/step",
                "x own dense",
                "x zoh dense",
            ],
            [
                [
                    str(r["order"]),
                    str(r["size_in"]),
                    r["discretizer"],
                    r["step"],
                    f"{r['steps_per_s']:,.0f}",
                    f"{r['us_per_step']:,.1f}",
                    f"{r['x_own_dense']:.1f}",
                    f"{r['x_zoh_dense']:.1f}",
                ]
                for r in rows
            ],
        ),
    ]
    lines += [
        "",
        "Accuracy of the Padé memory against exact ZOH (theta 0.784 s, 3 s of 5 Hz "
        "white noise, rms 0.5): the largest coefficient difference, and the NRMSE "
        "of the decoded delayed input (first window skipped).",
        "",
        markdown_table(
            [
                "order",
                "max abs diff",
                "NRMSE ZOH r=0.5",
                "NRMSE Padé r=0.5",
                "NRMSE ZOH r=1",
                "NRMSE Padé r=1",
            ],
            [
                [
                    str(order),
                    f"{a['max_abs_diff']:.1e}",
                    f"{a['nrmse_zoh_r0.5']:.5f}",
                    f"{a['nrmse_pade_r0.5']:.5f}",
                    f"{a['nrmse_zoh_r1.0']:.5f}",
                    f"{a['nrmse_pade_r1.0']:.5f}",
                ]
                for order, a in accuracy.items()
            ],
        ),
    ]
    return "\n".join(lines) + "\n"


def main():
    """Measure, print, and write the JSON and Markdown (``--out``,
    ``--markdown``; ``docs/benchmarks/`` by default, nothing with ``--quick``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="orders 512 and 1024 only")
    parser.add_argument("--min-time", type=float, default=1.0)
    parser.add_argument(
        "--out", default=None, help="JSON path (default docs/benchmarks/)"
    )
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    orders = (512, 1024) if args.quick else (1024, 4096)
    start = time.perf_counter()
    rows, accuracy = run(orders, (1, 4), args.min_time, print)
    env = common.environment(__file__)
    env["elapsed_s"] = time.perf_counter() - start
    # the keys that the first records had, for code that reads those
    env.update(
        cpu=env["cpu_model"],
        cores=env["cpu_count"],
        numpy=env["versions"]["numpy"],
        nengo=env["versions"]["nengo"],
    )
    default = None if args.quick else common.RESULTS / "large_order_speed"
    report = markdown(rows, accuracy, env)
    print()
    print(report)
    write_results(
        {"environment": env, "speed": rows, "accuracy": accuracy},
        report,
        args.out or (default and default.with_suffix(".json")),
        args.markdown or (default and default.with_suffix(".md")),
    )


if __name__ == "__main__":
    main()
