"""The O(order) memory steps against the dense discrete systems they compute."""

import nengo
import numpy as np
import pytest

from nengo_lmu import LegendreMemory, discretize, legendre_readout, lmu_system
from nengo_lmu.memory import STRUCTURED_MIN_ORDER
from nengo_lmu.memory.structured import structured_update

from reference import recurrence


def dense_memory(u, order, theta, dt, method):
    return recurrence(u, *discretize(*lmu_system(order, theta), dt, method))


@pytest.mark.parametrize("method", ["euler", "pade"])
@pytest.mark.parametrize("order, size_in", [(3, 1), (17, 3), (600, 2)])
def test_structured_step_equals_dense_system(method, order, size_in, rng):
    dt = 0.001
    # Euler needs a long window at high order; Padé is stable for any
    theta = 0.1 * order**2 * dt if method == "euler" else 0.05 * order * dt
    u = rng.uniform(-1, 1, size=(400, size_in))
    m = np.zeros(size_in * order)
    advance = structured_update(order, theta, dt, method, m.reshape(size_in, order))
    out = np.empty((len(u), size_in * order))
    for t in range(len(u)):
        advance(u[t])
        out[t] = m
    ref = dense_memory(u, order, theta, dt, method)
    # the same discrete system computed in a different order: equal to rounding
    assert np.allclose(out, ref, atol=1e-10 * max(1, np.abs(ref).max()), rtol=0)


def test_large_memories_use_the_structured_step(Simulator, rng):
    order, theta, dt = STRUCTURED_MIN_ORDER, 0.5, 0.001
    u = rng.uniform(-1, 1, size=(200, 1))
    with nengo.Network() as net:
        nengo.Ensemble(1, 1)  # NengoLoihi refuses a network with nothing on chip
        stim = nengo.Node(nengo.processes.PresentInput(u, presentation_time=dt))
        mem = nengo.Node(LegendreMemory(order, theta, discretizer="pade"))
        nengo.Connection(stim, mem, synapse=None)
        probe = nengo.Probe(mem)
    with Simulator(net, dt=dt) as sim:
        sim.run_steps(len(u))
    atol = 1e-9 if Simulator.dtype == np.float64 else 1e-5
    assert np.allclose(
        sim.data[probe], dense_memory(u, order, theta, dt, "pade"), atol=atol
    )


@pytest.mark.parametrize("order", [64, 1024])
def test_pade_delay_accuracy_equals_zoh(order):
    """The Padé memory decodes delays as well as the exact ZOH memory.

    At high order the fastest modes of the system turn faster than one step
    (|lambda| dt up to 50 at order 1024, theta 0.784 s) and no
    discretisation follows them exactly; they carry little of the delayed
    signal. Measured here: the decoding errors differ by less than 5%.
    """
    theta, dt = 0.784, 0.001
    process = nengo.processes.WhiteSignal(3.0, high=5, rms=0.5, seed=2)
    u = process.run_steps(3000, d=1, dt=dt)
    readout = legendre_readout(order, [0.5, 1.0])
    errors = {}
    for method in ("zoh", "pade"):
        m = dense_memory(u, order, theta, dt, method) if method == "zoh" else None
        if method == "pade":
            mem = np.zeros(order)
            advance = structured_update(order, theta, dt, "pade", mem.reshape(1, order))
            m = np.empty((len(u), order))
            for t in range(len(u)):
                advance(u[t])
                m[t] = mem
        errs = []
        for row, r in zip(readout, (0.5, 1.0)):
            delay = int(round(r * theta / dt))
            decoded, target = (m @ row)[delay:], u[: len(u) - delay, 0]
            e = decoded[1000:] - target[1000:]
            errs.append(np.sqrt(np.mean(e**2) / np.mean(target[1000:] ** 2)))
        errors[method] = np.array(errs)
    assert np.all(errors["zoh"] < 0.02)
    assert np.all(np.abs(errors["pade"] - errors["zoh"]) < 0.05 * errors["zoh"])


def test_structured_euler_refuses_unstable_theta():
    with nengo.Network() as net:
        nengo.Node(
            LegendreMemory(STRUCTURED_MIN_ORDER, 1.0, discretizer="euler"), size_in=1
        )
    with pytest.raises(nengo.exceptions.ValidationError, match="too short for Euler"):
        with nengo.Simulator(net):
            pass
