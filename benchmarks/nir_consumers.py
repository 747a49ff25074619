"""NIR export checked in an independent consumer: Norse, through files.

Each graph is written by `nengo_lmu.nir.to_nir`, read and run by Norse in
its own environment (``tools/nir_consumer.py`` in ``.venv-nir``, ``make
nir-consumer``), and compared with nengo on the same input:

- the exact memory (orders 6 and 64) at steps of 1 ms and 0.1 ms: Norse
  advances the graph by forward Euler, so against nengo's zero-order hold
  its error is Euler's and shrinks with the step; against the memory
  discretised by Euler (or written for Euler, ``euler_dt``) it is float32
  rounding;
- Task A of ``benchmarks/delay.py`` (order 3, window 0.1 s, 384 LIF, 0.1 s
  synapse), folded into CubaLIF neurons (``fold=True``): as the benchmark
  builds it (2 ms refractory period, which NIR cannot express) and with
  ``tau_ref=0``, Norse at 1 ms and at 0.1 ms;
- the weights rounded to 16 to 4 bits (`quantize_weights`): the memory's
  largest error, Task A's NRMSE, and the LIF psMNIST model at 8 bits;
- the shipped psMNIST model with spiking ReLU hidden neurons (``IF`` in NIR),
  the memory written for Euler at 1 ms, and a psMNIST model trained here with
  LIF rate neurons, spiking as LIF neurons (``psmnist_lif_rows``).

Results in docs/benchmarks/nir.{json,md}.

    python benchmarks/nir_consumers.py [--quick] [--signals 5] [--images 100]

(Not ``nir.py``: a script of that name would shadow the ``nir`` package.)
"""

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

import nengo
import numpy as np

from nengo_lmu import LegendreMemory, LegendreMemoryNetwork, convert_to_spiking
from nengo_lmu import legendre_readout
from nengo_lmu.nir import from_nir, quantize_weights, to_nir, write

import _common as common
from _common import markdown_table, write_results

common.quiet_known_warnings(import_nengo_dl=True)

REPO = Path(__file__).resolve().parents[1]
CONSUMER = REPO / "tools" / "nir_consumer.py"
DT = 0.001
SHIFTS = list(range(-10, 11))  # whole steps tried between nengo's timing and Norse's


def consumer_python():
    python = Path(os.environ.get("NENGO_LMU_NIR_PYTHON", REPO / ".venv-nir/bin/python"))
    if not python.exists():
        raise SystemExit(f"no NIR consumer at {python}: run `make nir-consumer`")
    return python


def in_norse(graph, inputs, dt):
    """The graph's output at each step in Norse; and the wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write(tmp / "graph.nir", graph)
        np.save(tmp / "inputs.npy", np.asarray(inputs, dtype=np.float32))
        start = time.perf_counter()
        subprocess.run(
            [
                str(consumer_python()),
                str(CONSUMER),
                str(tmp / "graph.nir"),
                str(tmp / "inputs.npy"),
                str(tmp / "out.npy"),
                "--dt",
                str(dt),
            ],
            check=True,
            capture_output=True,
        )
        return np.load(tmp / "out.npy"), time.perf_counter() - start


def in_nengo(net, inputs, output, signal, dt=DT, probes=()):
    with nengo.Network(seed=3) as top:
        top.add(net)
        source = nengo.Node(nengo.processes.PresentInput(signal, dt))
        nengo.Connection(source, inputs, synapse=None)
        probe = nengo.Probe(output)
        extra = [nengo.Probe(p) for p in probes]
    with nengo.Simulator(top, dt=dt, progress_bar=False) as sim:
        sim.run_steps(len(signal))
    return sim.data[probe], [sim.data[p] for p in extra]


def white(seconds, dt, high, seed, rms=0.3):
    process = nengo.processes.WhiteSignal(seconds, high=high, rms=rms, seed=seed)
    return process.run_steps(int(round(seconds / dt)), dt=dt)


def memory_rows(quick):
    """The exact memory: Norse against zero-order hold and against Euler."""
    rows = []
    for order, theta, euler_dt in ((6, 0.5, False), (64, 0.3, True)):
        for dt in (1e-3, 1e-4):
            seconds = 0.5 if quick else 1.0
            u = white(seconds, dt, 3.0, seed=1, rms=0.5)

            def memory(discretizer="zoh"):
                with nengo.Network() as net:
                    net.input = nengo.Node(size_in=1)
                    net.output = nengo.Node(LegendreMemory(order, theta, discretizer))
                    nengo.Connection(net.input, net.output, synapse=None)
                return net

            exact = memory()
            graph = to_nir(exact, memory_node="LI", euler_dt=dt if euler_dt else None)
            theirs, wall = in_norse(graph, u[None], dt)
            zoh, _ = in_nengo(exact, exact.input, exact.output, u, dt)
            scale = float(np.abs(zoh).max())
            row = {
                "order": order,
                "theta": theta,
                "dt": dt,
                "graph": "written for Euler (euler_dt)"
                if euler_dt
                else "continuous A, B",
                "error_vs_zoh": float(np.abs(theirs[0] - zoh).max() / scale),
                "wall_s": wall,
            }
            if not euler_dt:
                euler = memory("euler")
                reference, _ = in_nengo(euler, euler.input, euler.output, u, dt)
                row["error_vs_euler"] = float(
                    np.abs(theirs[0] - reference).max() / scale
                )
            rows.append(row)
            print(row)
    return rows


def delay_nrmse(memory_output, u, lag, skip):
    decoded = memory_output @ legendre_readout(3, 1.0).T
    target = u[: len(u) - lag, 0]
    err = decoded[lag:, 0][skip:] - target[skip:]
    return float(np.sqrt(np.mean(err**2) / np.mean(target[skip:] ** 2)))


def task_a_network(seed, neuron_type):
    """Task A of benchmarks/delay.py: order 3, window 0.1 s, 3 x 128 neurons."""
    return LegendreMemoryNetwork(
        3,
        0.1,
        128,
        synapse=0.1,
        neuron_type=neuron_type,
        scaling=nengo.processes.WhiteSignal(60.0, high=3.0, rms=0.3),
        seed=seed,
    )


def task_a_in_norse(graph, u, substeps, lag, skip):
    """Task A's NRMSE in Norse at ``DT / substeps``, at each shift of `SHIFTS`.

    nengo's synapses delay a step each and Norse's feed-forward nodes do
    not: the rows report the best whole-step shift, chosen per row.
    """
    out, _ = in_norse(graph, np.repeat(u, substeps, axis=0)[None], DT / substeps)
    theirs = out[0][substeps - 1 :: substeps]
    return [delay_nrmse(theirs, u, lag + s, skip) for s in SHIFTS]


def task_a_rows(n_signals, seconds):
    """Task A in nengo and in Norse (folded), per neuron model and step."""
    transient, theta = 1.0, 0.1
    variants = [
        ("as benchmarks/delay.py builds it (tau_ref 2 ms)", nengo.LIF(), (1,)),
        ("tau_ref = 0", nengo.LIF(tau_ref=0), (1, 10)),
    ]
    rows = []
    for label, neuron_type, substeps in variants:
        results = {"nengo": []}
        for k in substeps:
            results[f"norse, dt {DT / k * 1000:g} ms"] = []
        lags = {}
        for seed in range(n_signals):
            net = task_a_network(seed, neuron_type)
            u = white(seconds, DT, 3.0, seed)
            lag, skip = int(round(theta / DT)) + net.delay, int(round(transient / DT))
            ours, _ = in_nengo(net, net.input, net.output, u)
            results["nengo"].append(delay_nrmse(ours, u, lag, skip))
            graph = to_nir(net, fold=True)
            for k in substeps:
                key = f"norse, dt {DT / k * 1000:g} ms"
                results[key].append(task_a_in_norse(graph, u, k, lag, skip))
        for key, values in results.items():
            values = np.asarray(values)
            nominal = values
            if values.ndim == 2:
                best = int(np.argmin(values.mean(axis=0)))
                lags[key] = SHIFTS[best]
                nominal = values[:, SHIFTS.index(0)]
                values = values[:, best]
            rows.append(
                {
                    "network": label,
                    "simulator": key,
                    "nrmse_at_nengos_delay": float(nominal.mean()),
                    "nrmse": float(values.mean()),
                    "nrmse_signals": values.tolist(),
                    "shift_steps": lags.get(key, 0),
                }
            )
            print(rows[-1])
    return rows


def quantization_rows(n_signals, seconds, bits=(16, 12, 8, 6, 4)):
    """The weights rounded to ``bits``-bit integers (`quantize_weights`) in Norse.

    The memory is written for Euler at its step, so that Norse computes
    nengo's memory to float32 rounding and the rounding of the weights is
    the only difference; Task A (``tau_ref=0``) is folded first, so that
    the rounded weights are the neuron-to-neuron ones a chip would store,
    and runs at 0.1 ms.
    """
    rows = []
    for order, theta in ((6, 0.5), (64, 0.3)):
        u = white(1.0, DT, 3.0, seed=1, rms=0.5)
        with nengo.Network() as exact:
            exact.input = nengo.Node(size_in=1)
            exact.output = nengo.Node(LegendreMemory(order, theta))
            nengo.Connection(exact.input, exact.output, synapse=None)
        reference, _ = in_nengo(exact, exact.input, exact.output, u)
        graph = to_nir(exact, memory_node="LI", euler_dt=DT)
        for b in bits:
            theirs, _ = in_norse(quantize_weights(graph, b), u[None], DT)
            rows.append(
                {
                    "graph": f"memory, order {order}, window {theta} s",
                    "bits": b,
                    "error": float(
                        np.abs(theirs[0] - reference).max() / np.abs(reference).max()
                    ),
                    "metric": "largest error / peak",
                }
            )
            print(rows[-1])
    substeps, lag, skip = 10, int(round(0.1 / DT)), int(round(1.0 / DT))
    labels = {
        "norse": "Task A, tau_ref = 0, folded; Norse at 0.1 ms",
        "folded": "Task A, tau_ref = 0, folded; nengo (from_nir)",
        "factored": "Task A, tau_ref = 0, as exported (encoders and decoders "
        "apart); nengo (from_nir)",
    }
    scores = {(kind, b): [] for kind in labels for b in bits}
    for seed in range(n_signals):
        net = task_a_network(seed, nengo.LIF(tau_ref=0))
        u = white(seconds, DT, 3.0, seed)
        graphs = {"folded": to_nir(net, fold=True), "factored": to_nir(net)}
        for b in bits:
            quantized = {k: quantize_weights(g, b) for k, g in graphs.items()}
            scores["norse", b].append(
                task_a_in_norse(quantized["folded"], u, substeps, lag + net.delay, skip)
            )
            for kind, graph in quantized.items():
                back = from_nir(graph)
                out, _ = in_nengo(back, back.inputs["input"], back.outputs["output"], u)
                score = delay_nrmse(out, u, lag + net.delay, skip)
                scores[kind, b].append([score] * len(SHIFTS))
    for (kind, b), values in scores.items():
        values = np.asarray(values)
        best = int(np.argmin(values.mean(axis=0))) if kind == "norse" else 0
        shift = f", best shift ({SHIFTS[best]} steps)" if kind == "norse" else ""
        rows.append(
            {
                "graph": labels[kind],
                "bits": b,
                "error": float(values[:, best].mean()),
                "metric": f"NRMSE, mean of {n_signals} signals{shift}",
                "nrmse_signals": values[:, best].tolist(),
            }
        )
        print(rows[-1])
    return rows


def psmnist_rows(n_images, rate_scale=1000.0, synapse=0.002):
    """The shipped model, spiking hidden neurons, in nengo and in Norse."""
    from nengo_lmu.apps.mnist import psmnist  # pylint: disable=import-outside-toplevel
    from nengo_lmu.apps.psmnist.pretrained import pretrained  # pylint: disable=import-outside-toplevel

    with nengo.Network(seed=0) as net:
        classifier, info = pretrained()
    settings = info["settings"]
    convert_to_spiking(net, rate_scale=rate_scale, synapse=synapse)
    data = psmnist(settings["permutation"], os.environ.get("NENGO_LMU_DATA"))
    x, y = data["test"][0][:n_images], data["test"][1][:n_images]
    sequences = np.repeat(x, settings["steps_per_pixel"], axis=1)
    graph = to_nir(classifier, memory_node="LI", euler_dt=settings["dt"])
    theirs, wall = in_norse(graph, sequences, settings["dt"])
    ours = np.array(
        [
            in_nengo(net, classifier.input, classifier.output, s)[0][-1]
            for s in sequences
        ]
    )
    hidden = to_nir(
        classifier,
        outputs={"output": classifier.cell.hidden.neurons},
        memory_node="LI",
        euler_dt=settings["dt"],
    )
    spikes_theirs, _ = in_norse(hidden, sequences[:1], settings["dt"])
    _, (spikes_ours,) = in_nengo(
        net,
        classifier.input,
        classifier.output,
        sequences[0],
        probes=[classifier.cell.hidden.neurons],
    )
    row = {
        "model": "psmnist (order 512, 1024 ReLU units)",
        "rate_scale": rate_scale,
        "synapse": synapse,
        "images": n_images,
        "accuracy_nengo": float(np.mean(ours.argmax(axis=1) == y)),
        "accuracy_norse": float(np.mean(theirs[:, -1].argmax(axis=1) == y)),
        "hidden_spikes_image0_nengo": int(
            round(spikes_ours.sum() * settings["dt"] * rate_scale)
        ),
        "hidden_spikes_image0_norse": int(round(spikes_theirs.sum() * settings["dt"])),
        "norse_wall_s": wall,
    }
    print(row)
    return [row]


def psmnist_lif_rows(n_images, epochs, scale=5.0, synapse=0.002):
    """A psMNIST model trained with LIF rate neurons, spiking in Norse.

    Trained here on the parallel path (``neuron_type="lif"``:
    ``LIFRate(tau_ref=0, amplitude=0.01)``), then its hidden neurons become
    ``LIF(tau_rc / scale, tau_ref=0, amplitude=0.01 / scale)``: without a
    refractory period a LIF neuron's rate is proportional to
    :math:`1 / \\tau_{rc}`, so these fire ``scale`` times as fast as the rate
    units and each spike is worth ``1 / scale`` as much.
    """
    import dataclasses  # pylint: disable=import-outside-toplevel

    from nengo_lmu.apps.psmnist.pipeline import Pipeline  # pylint: disable=import-outside-toplevel
    from nengo_lmu.apps.psmnist.settings import Settings  # pylint: disable=import-outside-toplevel
    from nengo_lmu.dl import fast_dot_products  # pylint: disable=import-outside-toplevel

    settings = dataclasses.replace(
        Settings(),
        neuron_type="lif",
        epochs=epochs,
        n_test_temporal=0,
        n_test_spiking=0,
        n_test_window=0,
        n_test_neural_memory=0,
        n_test_loihi=0,
    )
    pipeline = Pipeline(settings, os.environ.get("NENGO_LMU_DATA"), verbose=False)
    start = time.perf_counter()
    with fast_dot_products():
        weights = pipeline.train()
    training = time.perf_counter() - start
    with nengo.Network(seed=0) as net:
        classifier = pipeline.classifier(weights=weights)
    convert_to_spiking(net, rate_scale=1.0, synapse=synapse)
    rate = classifier.cell.hidden.neuron_type
    classifier.cell.hidden.neuron_type = nengo.LIF(
        tau_rc=rate.tau_rc / scale, tau_ref=0, amplitude=rate.amplitude / scale
    )
    x, y = pipeline.data["test"][0][:n_images], pipeline.data["test"][1][:n_images]
    sequences = np.repeat(x, settings.steps_per_pixel, axis=1)
    graph = to_nir(classifier, memory_node="LI", euler_dt=settings.dt)
    theirs, wall = in_norse(graph, sequences, settings.dt)
    # 8-bit weights: all of them, or all but the memory's (a memory exact on
    # a host, the hidden layer on a chip)
    chip = [
        name
        for name, node in graph.nodes.items()
        if "nengo_lmu_memory" not in node.metadata
    ]
    quantized = {
        "all": in_norse(quantize_weights(graph, 8), sequences, settings.dt)[0],
        "chip": in_norse(quantize_weights(graph, 8, chip), sequences, settings.dt)[0],
    }
    parallel = pipeline.results["parallel path (rate)"]
    row = {
        "model": f"trained here: order {settings.order}, {settings.units} LIF units, "
        f"{epochs} epochs",
        "hidden_neurons": f"LIF(tau_rc={rate.tau_rc / scale:g}, tau_ref=0)",
        "synapse": synapse,
        "images": n_images,
        "accuracy_rate_parallel": parallel["accuracy"],
        "rate_parallel_images": parallel["images"],
        "accuracy_norse": float(np.mean(theirs[:, -1].argmax(axis=1) == y)),
        "accuracy_norse_8bit_but_memory": float(
            np.mean(quantized["chip"][:, -1].argmax(axis=1) == y)
        ),
        "accuracy_norse_8bit_all": float(
            np.mean(quantized["all"][:, -1].argmax(axis=1) == y)
        ),
        "training_s": training,
        "norse_wall_s": wall,
    }
    print(row)
    return [row]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--signals", type=int, default=5)
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument(
        "--lif-images", type=int, default=1000, help="test images of the LIF model"
    )
    parser.add_argument(
        "--epochs", type=int, default=20, help="training epochs of the LIF model"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    n_signals = 2 if args.quick else args.signals
    results = {
        "memory": memory_rows(args.quick),
        "task_a": task_a_rows(n_signals, 3.0 if args.quick else 10.0),
        "quantization": quantization_rows(n_signals, 3.0 if args.quick else 10.0),
        "psmnist": psmnist_rows(10 if args.quick else args.images),
        "psmnist_lif": psmnist_lif_rows(
            20 if args.quick else args.lif_images, 1 if args.quick else args.epochs
        ),
    }
    env = common.environment(__file__)
    env["elapsed_s"] = time.perf_counter() - start
    report = markdown(results, env, n_signals)
    print(report)
    if not args.quick:
        write_results(
            {"command": env["command"], "environment": env, "results": results},
            report,
            common.RESULTS / "nir.json",
            common.RESULTS / "nir.md",
        )


def markdown(results, env, n_signals):
    memory = markdown_table(
        [
            "order",
            "window s",
            "step ms",
            "graph",
            "vs zero-order hold",
            "vs Euler",
            "wall s",
        ],
        [
            [
                str(r["order"]),
                str(r["theta"]),
                f"{r['dt'] * 1000:g}",
                r["graph"],
                f"{r['error_vs_zoh']:.2e}",
                f"{r['error_vs_euler']:.1e}" if "error_vs_euler" in r else "-",
                f"{r['wall_s']:.1f}",
            ]
            for r in results["memory"]
        ],
    )
    task_a = markdown_table(
        [
            "network",
            "simulator",
            "NRMSE at nengo's delay",
            "best shift (steps)",
            "NRMSE there",
        ],
        [
            [
                r["network"],
                r["simulator"],
                f"{r['nrmse_at_nengos_delay']:.4f}",
                str(r["shift_steps"]),
                f"{r['nrmse']:.4f}",
            ]
            for r in results["task_a"]
        ],
    )
    quantization = markdown_table(
        ["graph", "weight bits", "error", "metric"],
        [
            [r["graph"], str(r["bits"]), f"{r['error']:.2e}", r["metric"]]
            for r in results["quantization"]
        ],
    )
    psmnist = markdown_table(
        [
            "model",
            "rate scale",
            "synapse s",
            "images",
            "nengo",
            "Norse",
            "hidden spikes, image 0 (nengo / Norse)",
        ],
        [
            [
                r["model"],
                f"{r['rate_scale']:g}",
                f"{r['synapse']:g}",
                str(r["images"]),
                f"{r['accuracy_nengo']:.2%}",
                f"{r['accuracy_norse']:.2%}",
                f"{r['hidden_spikes_image0_nengo']} / {r['hidden_spikes_image0_norse']}",
            ]
            for r in results["psmnist"]
        ],
    )
    lif = markdown_table(
        [
            "model",
            "hidden neurons",
            "synapse s",
            "rate, parallel path",
            "Norse",
            "Norse, 8-bit weights but the memory's",
            "Norse, all weights 8-bit",
            "training s",
        ],
        [
            [
                r["model"],
                r["hidden_neurons"],
                f"{r['synapse']:g}",
                f"{r['accuracy_rate_parallel']:.2%} of {r['rate_parallel_images']}",
                f"{r['accuracy_norse']:.2%} of {r['images']}",
                f"{r['accuracy_norse_8bit_but_memory']:.2%}",
                f"{r['accuracy_norse_8bit_all']:.2%}",
                f"{r['training_s']:.0f}",
            ]
            for r in results["psmnist_lif"]
        ],
    )
    return "\n".join(
        [
            "# NIR export in an independent consumer (Norse)",
            "",
            f"Produced by `{env['command']}` on {env['date']} in "
            f"{common.duration(env['elapsed_s'])} ({env['cpu_count']} cores, "
            f"{common.versions_text(env, ['nengo', 'nir'])}; Norse 1.1.0, nirtorch 2.6 and "
            "torch 2.13.0 in `.venv-nir`).",
            "",
            "## The exact memory",
            "",
            "Largest error over a 1 s white-noise input, relative to the memory's "
            "peak. Norse advances the graph by forward Euler.",
            "",
            memory,
            "",
            "## Task A",
            "",
            f"NRMSE of the input decoded 0.1 s ago, mean over {n_signals} signals "
            "(10 s, 1 s transient skipped); Norse runs the graph folded into CubaLIF "
            "neurons (`fold=True`). nengo's synapses delay a step each and Norse's "
            "feed-forward nodes do not, so Norse's output is also scored at the "
            "whole-step shift (within 10 steps) that fits best.",
            "",
            task_a,
            "",
            "## Quantisation",
            "",
            "Every weight matrix rounded to signed integers of the given bits "
            "times one scale per matrix (`nengo_lmu.nir.quantize_weights`), as a "
            "chip stores them; neuron parameters stay in floating point. The "
            "memory is written for Euler at 1 ms, so that rounding is its only "
            "error; Task A is folded first, so the rounded weights are the "
            "neuron-to-neuron ones.",
            "",
            quantization,
            "",
            "## psMNIST",
            "",
            "The shipped model converted to spiking ReLU neurons (NIR `IF`); the "
            "class is the largest score at the last step.",
            "",
            psmnist,
            "",
            "A model trained here for NIR: LIF rate neurons without a refractory "
            "period (`neuron_type='lif'`), spiking as LIF neurons whose time "
            "constant is divided by 5 (5 times the rates; see `psmnist_lif_rows`). "
            "The memory is written for Euler at 1 ms (`euler_dt`).",
            "",
            lif,
            "",
        ]
    )


if __name__ == "__main__":
    main()
