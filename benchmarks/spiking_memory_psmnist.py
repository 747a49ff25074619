"""The spiking Legendre memory on psMNIST input: error by order and neuron type.

What is measured
----------------
A `nengo_lmu.LegendreMemoryNetwork` of window ``theta = 784 * 5 * dt``
(3.92 s: each pixel held for 5 steps, as in ``nengo-lmu psmnist``) is fed the
pixel sequences of psMNIST test images (the LMU paper's permutation) in the
nengo reference simulator, and compared, step by step, with the exact memory
of the same input (`nengo_lmu.memory_trajectory`), shifted by the network's
``delay``. Each coefficient's error is divided by its scale (1.5 times its
largest magnitude over 20 training sequences, the scaling the psMNIST
pipeline uses), the fraction of an ensemble's range that the error takes up.

Reported per configuration: that error's RMS over all steps and coefficients
(``mean``), over the last eighth of the coefficients (``top 1/8``), and at the
final step, which is all a psMNIST classifier reads. The neuron types are
LIF and LIFRate with nengo's default rates (200-400 Hz), and non-leaky
integrate-and-fire neurons (``SpikingRectifiedLinear``) at 450-900 Hz.

Usage::

    python benchmarks/spiking_memory_psmnist.py            # writes docs/benchmarks/
    python benchmarks/spiking_memory_psmnist.py --quick    # order 64 only, writes nothing
"""

import argparse
import os
import time

import nengo
import numpy as np

import nengo_lmu
from nengo_lmu.apps.mnist import psmnist
from nengo_lmu.legendre import discretize, lmu_system, memory_trajectory

import _common as common
from _common import markdown_table, write_results

DT = 0.001
STEPS_PER_PIXEL = 5
THETA = 784 * STEPS_PER_PIXEL * DT

NEURONS = {
    "LIF": lambda: (nengo.LIF(), None),
    "LIFRate": lambda: (nengo.LIFRate(), None),
    "IF 450-900 Hz": lambda: (
        nengo.SpikingRectifiedLinear(),
        dict(max_rates=nengo.dists.Uniform(450, 900)),
    ),
}


def scales(order, train_images):
    """1.5 times each coefficient's largest magnitude over the training images."""
    Ad, Bd = discretize(*lmu_system(order, THETA), DT, "zoh")
    x = np.repeat(train_images, STEPS_PER_PIXEL, axis=1)
    m = memory_trajectory(np.moveaxis(x, 1, 2), Ad, Bd)
    return 1.5 * np.max(np.abs(m), axis=(0, 1, 2)), (Ad, Bd)


def memory_error(order, n_neurons, neurons, image, scale, system, seed=0):
    """Errors of the spiking memory on one image, relative to ``scale``."""
    neuron_type, ensemble_kwargs = NEURONS[neurons]()
    x = np.repeat(image, STEPS_PER_PIXEL, axis=0)  # (steps, 1)
    exact = memory_trajectory(x.T[None], *system)[0, 0]
    with nengo.Network(seed=seed) as net:
        inp = nengo.Node(nengo.processes.PresentInput(x, DT))
        memory = nengo_lmu.LegendreMemoryNetwork(
            order,
            THETA,
            n_neurons,
            synapse=0.05,
            scaling=scale,
            neuron_type=neuron_type,
            ensemble_kwargs=ensemble_kwargs,
        )
        nengo.Connection(inp, memory.input, synapse=None)
        probe = nengo.Probe(memory.output)
    start = time.perf_counter()
    with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
        sim.run_steps(len(x))
    wall = time.perf_counter() - start
    d = memory.delay
    error = (sim.data[probe][d:] - exact[:-d]) / scale
    return {
        "mean": float(np.sqrt(np.mean(error**2))),
        "top_eighth": float(np.sqrt(np.mean(error[:, -max(order // 8, 1) :] ** 2))),
        "final": float(np.sqrt(np.mean(error[-1] ** 2))),
        "wall_s": wall,
    }


def run(configs, n_images, data):
    """The errors of each ``(order, n_neurons, neurons)`` configuration.

    Parameters
    ----------
    configs : list of tuple
        ``(order, neurons per coefficient, key of NEURONS)``.
    n_images : int
        Test images per configuration (the errors are averaged over them).
    data : dict
        psMNIST's ``"train"`` and ``"test"`` ``(x, y)`` arrays.

    Returns
    -------
    list of dict
        One row per configuration.
    """
    train, test = data["train"][0], data["test"][0]
    rows = []
    for order, n_neurons, neurons in configs:
        scale, system = scales(order, train[:20])
        errors = [
            memory_error(order, n_neurons, neurons, test[i], scale, system, seed=i)
            for i in range(n_images)
        ]
        row = {
            "order": order,
            "n_neurons": n_neurons,
            "neurons": neurons,
            "images": n_images,
            **{
                k: float(np.mean([e[k] for e in errors]))
                for k in ("mean", "top_eighth", "final", "wall_s")
            },
        }
        rows.append(row)
        print(
            f"order {order:4d}  {n_neurons:4d} x {neurons:14s} mean {row['mean']:.3f}  "
            f"top 1/8 {row['top_eighth']:.3f}  final {row['final']:.3f}  "
            f"({row['wall_s']:.0f} s an image)",
            flush=True,
        )
    return rows


def markdown(rows, env):
    """The report, from the rows of `run` and the run's record."""
    table = markdown_table(
        [
            "order",
            "neurons per coefficient",
            "neuron type",
            "error / scale (all steps)",
            "top 1/8 of coefficients",
            "final step",
            "wall s per image",
        ],
        [
            [
                str(r["order"]),
                str(r["n_neurons"]),
                r["neurons"],
                f"{r['mean']:.3f}",
                f"{r['top_eighth']:.3f}",
                f"{r['final']:.3f}",
                f"{r['wall_s']:.0f}",
            ]
            for r in rows
        ],
    )
    return "\n".join(
        [
            "# The spiking memory on psMNIST input",
            "",
            f"Produced by `{env['command']}` on {env['date']}; {env['cpu_model']}, "
            f"{env['cpu_count']} cores; "
            f"{common.versions_text(env, ['nengo', 'nengo_lmu'])}.",
            "",
            f"`LegendreMemoryNetwork(order, theta={THETA:g} s, n_neurons, "
            "synapse=0.05)` fed psMNIST test images (each pixel held 5 steps of 1 ms) "
            "in nengo, against the exact memory. Errors are RMS, relative to each "
            "coefficient's scale (1.5 x its peak over 20 training images), averaged "
            f"over {rows[0]['images']} test images.",
            "",
            table,
            "",
        ]
    )


def main():
    """Measure, print, and write ``docs/benchmarks/`` (not with ``--quick``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--images", type=int, default=3)
    parser.add_argument("--data", default=os.environ.get("NENGO_LMU_DATA"))
    args = parser.parse_args()
    if args.quick:
        configs = [(64, 50, n) for n in NEURONS]
    else:
        configs = [(order, 50, n) for order in (64, 128, 256, 512) for n in NEURONS] + [
            (order, 200, "IF 450-900 Hz") for order in (64, 256, 512)
        ]
    env = common.environment(__file__)  # the date the run started
    rows = run(configs, 1 if args.quick else args.images, psmnist("paper", args.data))
    if not args.quick:
        write_report(rows, env, common.RESULTS)


def write_report(rows, env, folder):
    """Write ``spiking_memory_psmnist.json`` and ``.md`` into ``folder``."""
    out = folder / "spiking_memory_psmnist"
    write_results(
        {"environment": env, "rows": rows},
        markdown(rows, env),
        out.with_suffix(".json"),
        out.with_suffix(".md"),
    )


if __name__ == "__main__":
    main()
