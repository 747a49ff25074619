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
        "LegendreMemoryNetwork.neuron_type: Must be of type 'NeuronType'",
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
