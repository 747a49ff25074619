"""Arguments refused where they enter, by name: bools, nan, inf, huge orders."""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LegendreMemory, LegendreMemoryNetwork, LMUCell, lmu_system
from nengo_lmu.arguments import MAX_ORDER, check_order, check_positive

REFUSED = [
    (lambda: LegendreMemory(True, 1.0), "LegendreMemory.order: must be an integer"),
    (lambda: LegendreMemory(4, np.nan), "LegendreMemory.theta: must be a finite"),
    (lambda: LegendreMemory(4, np.inf), "LegendreMemory.theta: must be a finite"),
    (lambda: LegendreMemory(10**6, 1.0), "order: must be at most 8192.*GiB"),
    (lambda: lmu_system(4, "1"), "theta: must be a finite number > 0, got '1'"),
    (lambda: lmu_system(4, np.inf), "theta: must be a finite"),
    (lambda: lmu_system(True, 1.0), "order: must be an integer, got True"),
    (lambda: LMUCell(4, 4, np.inf, 1), "LMUCell.theta: must be a finite"),
    (lambda: LMUCell(4, True, 1.0, 1), "LMUCell.order: must be an integer"),
    (lambda: LMUCell(True, 4, 1.0, 1), "LMUCell.units: must be an integer"),
    (lambda: LMUCell(4, 4, 1.0, 1, dt=np.nan), "LMUCell.dt: must be a finite"),
    (
        lambda: LegendreMemoryNetwork(3, 0.1, n_neurons=10, neuron_type="LIF"),
        "LegendreMemoryNetwork.neuron_type: must be a nengo neuron type instance: "
        "nengo.LIF\\(\\) instead of the string 'LIF'",
    ),
    (
        lambda: LegendreMemoryNetwork(3, np.inf, n_neurons=10),
        "LegendreMemoryNetwork.theta: must be a finite",
    ),
    (
        lambda: LegendreMemoryNetwork(3, 0.1, n_neurons=True),
        "LegendreMemoryNetwork.n_neurons: must be an integer",
    ),
]


@pytest.mark.parametrize("make, message", REFUSED)
def test_bad_arguments_are_refused_by_name(make, message):
    with pytest.raises(ValidationError, match=message):
        make()


def test_numpy_numbers_are_accepted():
    assert check_order(np.int64(4)) == 4
    assert check_positive(np.float32(0.5), "theta") == 0.5
    assert check_positive(np.array(2.0), "theta") == 2.0
    cell = LMUCell(np.int64(3), np.int32(2), np.float32(0.5), 1, add_to_container=False)
    assert (cell.units, cell.order) == (3, 2)
    assert LegendreMemory(MAX_ORDER, 1.0).order == MAX_ORDER
    with nengo.Network():
        net = LegendreMemoryNetwork(2, 0.1, n_neurons=10, neuron_type=nengo.LIFRate())
    assert isinstance(net.neuron_type, nengo.LIFRate)


def test_the_spiking_memory_refuses_a_window_under_a_step():
    with pytest.raises(ValidationError, match="theta=0.0005 s is shorter than the"):
        LegendreMemoryNetwork(3, 0.0005, n_neurons=10)


def test_the_spiking_memory_refuses_another_time_step_when_built():
    with nengo.Network() as net:
        LegendreMemoryNetwork(3, 0.1, n_neurons=20, dt=0.001)
    with pytest.raises(ValidationError, match="built for dt=0.001 s.*runs dt=0.002"):
        nengo.Simulator(net, dt=0.002, progress_bar=False)
    with nengo.Simulator(net, dt=0.001, progress_bar=False) as sim:
        sim.run_steps(3)


def test_an_unstable_euler_window_is_refused_for_every_memory():
    """The process memory refuses it when built; the cell's connection
    memory (discretised at construction) when constructed."""
    with pytest.raises(ValidationError, match="too short for Euler.*order 32"):
        LMUCell(8, 32, 0.01, 1, memory="connections", discretizer="euler")
    with nengo.Network() as net:
        cell = LMUCell(8, 32, 0.01, 1, discretizer="euler")
        nengo.Connection(nengo.Node([0.0]), cell.input, synapse=None)
    with pytest.raises(ValidationError, match="too short for Euler"):
        nengo.Simulator(net, progress_bar=False)
