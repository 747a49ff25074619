"""The cell's memory variants as objects, and the spiking memory's layouts."""

import inspect

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LegendreMemoryNetwork, LMUCell, LMUClassifier
from nengo_lmu.cell import (
    ConnectionMemory,
    NeuralMemory,
    ProcessMemory,
)
from nengo_lmu.loihi import LoihiLegendreMemoryNetwork, LoihiPath

ARGS = dict(units=5, order=3, theta=0.02, input_d=1, add_to_container=False)


@pytest.mark.parametrize(
    "name, variant",
    [
        ("process", ProcessMemory()),
        ("connections", ConnectionMemory()),
        ("neurons", NeuralMemory(n_neurons=20)),
    ],
)
def test_memory_objects_build_what_their_names_build(name, variant):
    """``memory=<object>`` gives the cell that ``memory=<name>`` gives: the
    same memory type, the same objects, the same weights."""
    kwargs = {"memory_kwargs": {"n_neurons": 20}} if name == "neurons" else {}
    by_name = LMUCell(**ARGS, memory=name, seed=1, **kwargs)
    by_object = LMUCell(**ARGS, memory=variant, seed=1)
    assert by_name.memory_type == by_object.memory_type == name
    assert type(by_name.memory_variant) is type(by_object.memory_variant)
    assert type(by_name.memory) is type(by_object.memory)
    assert len(by_name.all_connections) == len(by_object.all_connections)
    assert len(by_name.all_ensembles) == len(by_object.all_ensembles)
    for key, value in by_name.get_weights().items():
        assert np.array_equal(by_object.get_weights()[key], value), key


def test_memory_arguments_are_checked():
    with pytest.raises(ValidationError, match="n_neurons") as info:
        NeuralMemory(synapse=0.01)
    assert info.value.attr == "memory_kwargs"
    with pytest.raises(ValidationError, match="already configured") as info:
        LMUCell(**ARGS, memory=NeuralMemory(n_neurons=5), memory_kwargs={"dt": 0.001})
    assert info.value.attr == "memory_kwargs"
    with pytest.raises(ValidationError, match="CellMemory") as info:
        LMUCell(**ARGS, memory=nengo.Lowpass(0.1))
    assert info.value.attr == "memory"
    # the options a variant cannot honour are refused, naming the option
    with pytest.raises(ValidationError, match="memory='connections'") as info:
        LMUCell(**ARGS, memory=ProcessMemory(), trainable_memory=True)
    assert info.value.attr == "trainable_memory"


def test_neural_memory_replaces_the_exact_memory_in_place():
    """`LMUCell.use_neural_memory` rewires every connection of the exact
    memory to the spiking one and keeps the weights."""
    cell = LMUCell(**ARGS, hidden_to_memory=True, memory_to_memory=True, seed=2)
    before = cell.get_weights()
    exact = cell.memory
    cell.use_neural_memory(n_neurons=10)
    assert cell.memory_type == "neurons" and isinstance(
        cell.memory_variant, NeuralMemory
    )
    assert isinstance(cell.memory, LegendreMemoryNetwork)
    assert exact not in cell.nodes
    for conn in cell.connections:
        assert exact not in (conn.pre_obj, conn.post_obj)
    for key, value in before.items():
        assert np.array_equal(cell.get_weights()[key], value), key
    with pytest.raises(ValidationError, match="only the exact memory") as info:
        cell.use_neural_memory(n_neurons=10)
    assert info.value.attr == "memory"


def test_classifier_with_a_trainable_memory_saves_and_loads(tmp_path):
    """A trained A and B live in the connection memory: loading picks it."""
    model = LMUClassifier(
        3, **ARGS, memory="connections", trainable_memory=True, seed=0
    )
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = LMUClassifier.load(path, add_to_container=False)
    assert loaded.cell.memory_type == "connections"
    for key, value in model.get_weights().items():
        assert np.array_equal(loaded.get_weights()[key], value), key


def test_target_chooses_the_layout():
    """``LegendreMemoryNetwork(target=...)`` builds the Loihi layout, a
    subclass that shares the discrete system and the scaling."""
    args = dict(order=3, theta=0.1, n_neurons=8, add_to_container=False)
    nengo_layout = LegendreMemoryNetwork(**args)
    loihi = LegendreMemoryNetwork(**args, target="loihi")
    direct = LoihiLegendreMemoryNetwork(**args)
    assert type(nengo_layout) is LegendreMemoryNetwork
    assert type(loihi) is type(direct) is LoihiLegendreMemoryNetwork
    assert isinstance(loihi, LegendreMemoryNetwork)
    assert repr(loihi.target) == repr(direct.target) == repr(LoihiPath())
    for a, b in zip(loihi.discrete_system(), nengo_layout.discrete_system()):
        assert np.array_equal(a, b)
    # one ensemble per input dimension on Loihi, one per coefficient in nengo
    assert len(loihi.coefficients.ea_ensembles) == 1
    assert len(nengo_layout.coefficients.ea_ensembles) == 3
    # the Loihi layout's scales start from the same bound, then grow
    assert np.all(loihi.scale >= nengo_layout.scale * (1 - 1e-12))
    # help() shows the constructor's arguments
    assert list(inspect.signature(LegendreMemoryNetwork).parameters)[:3] == [
        "order",
        "theta",
        "n_neurons",
    ]
    with pytest.raises(ValidationError, match="LoihiPath") as info:
        LegendreMemoryNetwork(**args, target="chip")
    assert info.value.attr == "target"
