"""A delay line from a Legendre memory: decode the input as it was r*theta ago.

Builds one `LegendreMemory` (order 12, window 1 s) fed with 2 Hz band-limited
white noise, decodes the delayed input at five delays with
`legendre_readout`, and prints the normalised error of each delay in nengo
core and, where NengoDL is installed, in NengoDL. Run with ``--plot FILE`` to
save a figure (needs matplotlib).

    python examples/delay_line.py [--order 12] [--theta 1.0] [--seconds 10]
"""

import argparse
import importlib.util
import time

from nengo_lmu.apps.quiet import quiet_known_warnings

quiet_known_warnings()  # before TensorFlow loads

import nengo  # noqa: E402  pylint: disable=wrong-import-position
import numpy as np  # noqa: E402  pylint: disable=wrong-import-position

import nengo_lmu  # noqa: E402  pylint: disable=wrong-import-position

DELAYS = (0.0, 0.25, 0.5, 0.75, 1.0)


def build(order, theta, seconds, seed=0):
    """The network: input -> memory -> one decoded output per delay."""
    with nengo.Network(seed=seed) as net:
        net.stim = nengo.Node(
            nengo.processes.WhiteSignal(seconds, high=2, rms=0.5, seed=seed)
        )
        net.memory = nengo.Node(nengo_lmu.LegendreMemory(order, theta))
        net.delayed = nengo.Node(size_in=len(DELAYS))
        nengo.Connection(net.stim, net.memory, synapse=None)
        nengo.Connection(
            net.memory,
            net.delayed,
            transform=nengo_lmu.legendre_readout(order, DELAYS),
            synapse=None,
        )
        net.p_stim = nengo.Probe(net.stim)
        net.p_delayed = nengo.Probe(net.delayed)
    return net


def nrmse(net, data, theta, dt):
    """Error of each decoded delay after the first window, over the target's RMS."""
    u = data[net.p_stim][:, 0]
    start = int(round(theta / dt))
    errors = []
    for i, r in enumerate(DELAYS):
        lag = int(round(r * theta / dt))
        target = u[start - lag : len(u) - lag]
        decoded = data[net.p_delayed][start:, i]
        errors.append(np.sqrt(np.mean((decoded - target) ** 2) / np.mean(target**2)))
    return errors


def run(simulator_name, net, seconds):
    module = importlib.import_module(simulator_name)
    with module.Simulator(net, progress_bar=False) as sim:
        start = time.perf_counter()
        sim.run(seconds)
        wall = time.perf_counter() - start
        return {p: sim.data[p] for p in (net.p_stim, net.p_delayed)}, sim.dt, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--order", type=int, default=12)
    parser.add_argument("--theta", type=float, default=1.0, help="window in seconds")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--plot", metavar="FILE", help="save a figure to FILE")
    args = parser.parse_args()

    net = build(args.order, args.theta, args.seconds)
    simulators = ["nengo"]
    if importlib.util.find_spec("nengo_dl") is not None:
        simulators.append("nengo_dl")

    print(
        f"Legendre memory: order {args.order}, theta {args.theta} s, "
        f"{args.seconds} s of 2 Hz white noise"
    )
    header = (
        "simulator".ljust(10) + "".join(f"  r={r:<5}" for r in DELAYS) + "  steps/s"
    )
    print(header)
    print("-" * len(header))
    results = {}
    for name in simulators:
        data, dt, wall = run(name, net, args.seconds)
        results[name] = data
        errors = nrmse(net, data, args.theta, dt)
        row = name.ljust(10) + "".join(f"  {e:7.4f}" for e in errors)
        print(row + f"  {args.seconds / dt / wall:8.0f}")
    print("(NRMSE of the input decoded r * theta ago; the first window is skipped)")

    if args.plot:
        import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

        data = results["nengo"]
        t = np.arange(len(data[net.p_stim])) * dt
        plt.figure(figsize=(8, 3))
        plt.plot(t, data[net.p_stim], "k", lw=2, label="input")
        for i, r in enumerate(DELAYS[1:], start=1):
            plt.plot(t, data[net.p_delayed][:, i], label=f"delay {r} theta")
        plt.xlabel("time [s]")
        plt.legend(loc="upper right", fontsize="small")
        plt.tight_layout()
        plt.savefig(args.plot)
        print(f"figure saved to {args.plot}")


if __name__ == "__main__":
    main()
