"""`LegendreMemory` against the exact linear system, in any simulator."""

import subprocess
import sys

import nengo
import numpy as np
import pytest
import scipy.linalg
from nengo.exceptions import ValidationError

from nengo_lmu import LegendreMemory, legendre_readout, lmu_system

from reference import recurrence


def exact_memory(u, order, theta, dt, discretizer="zoh"):
    """Independent reference: the textbook discretisation and recurrence.

    ZOH from the matrix exponential of the continuous system (``Ad = expm(A
    dt)``, ``Bd = A^-1 (Ad - I) B``), Euler from its definition, and the
    recurrence ``m[t] = Ad m[t-1] + Bd u[t]`` stepped in float64.
    """
    A, B = lmu_system(order, theta)
    if discretizer == "zoh":
        Ad = scipy.linalg.expm(A * dt)
        Bd = np.linalg.solve(A, (Ad - np.eye(order)) @ B)
    else:
        Ad, Bd = np.eye(order) + dt * A, dt * B
    return recurrence(u, Ad, Bd)


def tolerance(Simulator):
    """Agreement expected from a simulator's floating-point precision.

    Over a few thousand steps of a contracting system, float64 keeps about
    12 digits and float32 about 6 of the memory's O(1) values.
    """
    return 1e-9 if Simulator.dtype == np.float64 else 1e-5


def chip_ensemble():
    """An idle ensemble: NengoLoihi refuses a network with nothing on the chip."""
    return nengo.Ensemble(1, 1, label="idle")


def memory_network(u, memories, dt=0.001):
    """Feed the signal ``u`` (steps x d) to each memory; probe them all."""
    with nengo.Network() as net:
        chip_ensemble()
        stim = nengo.Node(nengo.processes.PresentInput(u, presentation_time=dt))
        probes = []
        for mem in memories:
            node = nengo.Node(mem)
            nengo.Connection(stim[: mem.size_in], node, synapse=None)
            probes.append(nengo.Probe(node))
    return net, probes


def white_noise(n_steps, d, high, seed, dt=0.001, rms=0.5):
    process = nengo.processes.WhiteSignal(n_steps * dt, high=high, rms=rms, seed=seed)
    return process.run_steps(n_steps, d=d, dt=dt)


@pytest.mark.parametrize("discretizer", ["zoh", "euler"])
def test_matches_exact_system(Simulator, discretizer, seed):
    u = white_noise(1500, 3, high=10, seed=seed)
    memories = [
        LegendreMemory(6, 0.2, size_in=3, discretizer=discretizer),
        LegendreMemory(6, 0.4, size_in=1, discretizer=discretizer),
        LegendreMemory(3, 0.05, size_in=2, discretizer=discretizer),
    ]
    net, probes = memory_network(u, memories)
    with Simulator(net) as sim:
        sim.run_steps(len(u))
    for mem, probe in zip(memories, probes):
        ref = exact_memory(
            u[:, : mem.size_in], mem.order, mem.theta, sim.dt, discretizer
        )
        assert np.allclose(sim.data[probe], ref, atol=tolerance(Simulator), rtol=0)


def test_layout_is_per_input_dimension(Simulator):
    # dimension 1 gets zero input, so its block of `order` coefficients stays 0
    u = np.zeros((50, 2))
    u[:, 0] = 1.0
    net, (probe,) = memory_network(u, [LegendreMemory(4, 0.02, size_in=2)])
    with Simulator(net) as sim:
        sim.run_steps(50)
    assert np.all(np.abs(sim.data[probe][:, :4]) > 0)
    assert np.all(sim.data[probe][:, 4:] == 0)


def test_output_includes_current_input(Simulator):
    # timing convention: a unit impulse at step 0 shows at step 0 as Bd
    u = np.zeros((3, 1))
    u[0] = 1.0
    mem = LegendreMemory(5, 0.01)
    net, (probe,) = memory_network(u, [mem])
    with Simulator(net) as sim:
        sim.run_steps(3)
    Ad, Bd = mem.discrete_system(sim.dt)
    assert np.allclose(sim.data[probe][0], Bd[:, 0], atol=tolerance(Simulator))
    assert np.allclose(sim.data[probe][1], Ad @ Bd[:, 0], atol=tolerance(Simulator))


@pytest.mark.parametrize("r", [0.0, 0.25, 0.5, 1.0])
def test_delay_readout_error_equals_exact_system(Simulator, r, seed):
    order, theta, dt = 12, 0.5, 0.001
    u = white_noise(3000, 1, high=2, seed=seed)
    net, (probe,) = memory_network(u, [LegendreMemory(order, theta)])
    with Simulator(net) as sim:
        sim.run_steps(len(u))
    readout = legendre_readout(order, r)[0]
    delay = int(round(r * theta / dt))
    target = u[: len(u) - delay, 0]
    transient = int(theta / dt)

    def nrmse(memory):
        decoded = (memory @ readout)[delay:]
        err = decoded[transient:] - target[transient:]
        return np.sqrt(np.mean(err**2) / np.mean(target[transient:] ** 2))

    error = nrmse(sim.data[probe])
    exact_error = nrmse(exact_memory(u, order, theta, dt))
    # the memory is a good delay line (order 12 on 2 Hz noise)...
    assert error < 0.02
    # ...exactly as good as the linear system it implements: a memory error of
    # at most `tol` moves the NRMSE by at most sum|readout| * tol / rms(target)
    rms = np.sqrt(np.mean(target**2))
    assert abs(error - exact_error) < np.abs(readout).sum() * tolerance(Simulator) / rms


@pytest.mark.parametrize("discretizer", ["zoh", "euler"])
def test_bounded_for_a_million_steps(discretizer, rng):
    """Bounded input keeps the memory inside a proven bound for 10^6 steps.

    For ``|u| <= 1`` every coefficient obeys ``|m_k[t]| <= sum_s |H_k[s]|``
    (the l1 norm of its impulse response), whatever the input.
    """
    order, theta, dt = 4, 0.05, 0.001
    mem = LegendreMemory(order, theta, discretizer=discretizer)
    Ad, Bd = mem.discrete_system(dt)
    H = np.zeros((20000, order))
    H[0] = Bd[:, 0]
    for t in range(1, len(H)):
        H[t] = Ad @ H[t - 1]
    assert np.all(np.abs(H[-1]) < 1e-12)  # the rest of the sum is negligible
    bound = np.abs(H).sum(axis=0) + 1e-9

    step = mem.make_step((1,), (order,), dt, rng, mem.make_state((1,), (order,), dt))
    u = rng.choice([-1.0, 1.0], size=10**6)  # the worst bounded input is +-1
    peak = np.zeros(order)
    for x in u:
        peak = np.maximum(peak, np.abs(step(0.0, x[None])))
    assert np.all(peak <= bound)
    assert np.all(peak > 0.1 * bound)  # the test input reaches the bound's scale


def test_process_step_matches_operator(Simulator, rng):
    # the plain `make_step` path (e.g. Process.apply) matches the simulator path
    u = rng.uniform(-1, 1, size=(200, 2))
    mem = LegendreMemory(7, 0.03, size_in=2)
    net, (probe,) = memory_network(u, [mem])
    with Simulator(net) as sim:
        sim.run_steps(len(u))
    applied = mem.apply(u, dt=0.001)
    assert np.allclose(applied, sim.data[probe], atol=tolerance(Simulator))


@pytest.mark.parametrize(
    "kwargs, attr",
    [
        ({"order": 0, "theta": 1.0}, "order"),
        ({"order": 2.5, "theta": 1.0}, "order"),
        ({"order": 4, "theta": 0.0}, "theta"),
        ({"order": 4, "theta": -0.5}, "theta"),
        ({"order": 4, "theta": 1.0, "discretizer": "bilinear"}, "discretizer"),
        ({"order": 4, "theta": 1.0, "size_in": 0}, "size_in"),
    ],
)
def test_bad_parameters_name_the_argument(kwargs, attr):
    with pytest.raises(ValidationError) as excinfo:
        LegendreMemory(**kwargs)
    assert excinfo.value.attr == attr


def test_euler_with_short_theta_refused_at_build(Simulator):
    with nengo.Network() as net:
        chip_ensemble()
        nengo.Node(LegendreMemory(12, 0.01, discretizer="euler"), size_in=1)
    with pytest.raises(ValidationError, match="too short for Euler") as excinfo:
        with Simulator(net):
            pass
    assert excinfo.value.attr == "theta"
    # the same memory with ZOH builds
    with nengo.Network() as net:
        chip_ensemble()
        nengo.Node(LegendreMemory(12, 0.01, discretizer="zoh"), size_in=1)
    with Simulator(net):
        pass


def test_mismatched_size_in_refused(Simulator):
    with nengo.Network() as net:
        chip_ensemble()
        nengo.Node(LegendreMemory(4, 0.1, size_in=1), size_in=3)
    with pytest.raises(ValidationError, match=r"size_in=3\)") as excinfo:
        with Simulator(net):
            pass
    assert excinfo.value.attr == "size_in"


def test_node_sizes_come_from_the_process():
    with nengo.Network():
        node = nengo.Node(LegendreMemory(5, 0.1, size_in=3))
    assert (node.size_in, node.size_out) == (3, 15)


def test_core_runs_without_tensorflow():
    # the NengoDL builder is registered only once nengo_dl has been imported
    code = (
        "import sys, nengo, nengo_lmu\n"
        "with nengo.Network() as net:\n"
        "    nengo.Node(nengo_lmu.LegendreMemory(4, 0.1), size_in=1)\n"
        "with nengo.Simulator(net, progress_bar=False) as sim:\n"
        "    sim.run_steps(10)\n"
        "assert 'tensorflow' not in sys.modules, 'TensorFlow was imported'\n"
        "assert 'nengo_lmu.dl' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# the dense step, and the structured one (large Euler memories)
@pytest.mark.parametrize("order, theta", [(6, 0.1), (300, 10.0)])
def test_float32_signals(order, theta):
    """With ``nengo.rc`` at 32 bits the memory computes in float32 signals
    (the dense step's product writes into the output signal, which needs
    operands of its dtype) and equals the exact system to float32 precision."""
    old = nengo.rc["precision"]["bits"]
    try:
        nengo.rc["precision"]["bits"] = "32"
        with nengo.Network() as net:
            stim = nengo.Node(nengo.processes.WhiteSignal(1.0, high=10, seed=0))
            memory = nengo.Node(LegendreMemory(order, theta, discretizer="euler"))
            nengo.Connection(stim, memory, synapse=None)
            p_memory, p_stim = nengo.Probe(memory), nengo.Probe(stim)
        with nengo.Simulator(net, progress_bar=False) as sim:
            sim.run_steps(200)
    finally:
        nengo.rc["precision"]["bits"] = old
    assert sim.data[p_memory].dtype == np.float32
    Ad, Bd = LegendreMemory(order, theta, discretizer="euler").discrete_system(0.001)
    exact = recurrence(sim.data[p_stim], Ad, Bd)
    assert np.allclose(sim.data[p_memory], exact, atol=1e-4 * np.max(np.abs(exact)))
