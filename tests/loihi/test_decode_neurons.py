"""Decode neurons with more pairs, and the paths and models that use them."""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.loihi import LoihiPath
from nengo_lmu.loihi import model as loihi_model
from nengo_lmu.neurons import LegendreMemoryNetwork

DT = 0.001
LOIHI_ONLY = "checks what NengoLoihi builds"


def test_ten_spread_pairs_are_nengo_loihis_preset():
    pytest.importorskip("nengo_loihi")
    from nengo_loihi.decode_neurons import Preset10DecodeNeurons

    from nengo_lmu.loihi.decode_neurons import SpreadDecodeNeurons

    ours, preset = SpreadDecodeNeurons(10, dt=DT), Preset10DecodeNeurons(dt=DT)
    for name in ("gain", "bias", "scale"):
        assert np.allclose(getattr(ours, name), getattr(preset, name)), name


def test_more_pairs_decode_the_same_values_with_more_spikes():
    """Each pair's rate on the on neuron minus the off neuron, summed and
    scaled: the same transfer for 10 and 25 pairs (within 0.03 of each
    other), from 2.5 times the spikes."""
    pytest.importorskip("nengo_loihi")
    from nengo_lmu.loihi.decode_neurons import SpreadDecodeNeurons

    x = np.linspace(-1, 1, 21)
    decoded, spikes = {}, {}
    for pairs in (10, 25):
        neurons = SpreadDecodeNeurons(pairs, dt=DT)
        gain, bias = neurons.gain[::2], neurons.bias[::2]
        column = np.ones((1, pairs))
        on = neurons.neuron_type.rates(x[:, None] * column, gain, bias, dt=DT)
        off = neurons.neuron_type.rates(-x[:, None] * column, gain, bias, dt=DT)
        decoded[pairs] = neurons.scale * DT * (on - off).sum(axis=1)
        spikes[pairs] = (on + off).sum(axis=1).mean()
    assert np.allclose(decoded[10], decoded[25], atol=0.03)
    assert np.allclose(decoded[25], -decoded[25][::-1])  # odd, as on/off pairs are
    assert 1.0 < decoded[10][-1] < 1.03  # 1.02, less the off neurons' few spikes
    assert spikes[25] == pytest.approx(2.5 * spikes[10], rel=0.05)


def test_model_takes_the_paths_decode_neurons():
    pytest.importorskip("nengo_loihi")
    from nengo_loihi.decode_neurons import Preset10DecodeNeurons

    assert type(loihi_model(LoihiPath(), DT).decode_neurons) is Preset10DecodeNeurons
    built = loihi_model(LoihiPath(decode_tau=0.03, decode_pairs=25), DT)
    assert built.decode_tau == 0.03 and built.decode_neurons.pairs_per_dim == 25


@pytest.mark.parametrize("value", [0, 2.5, True])
def test_bad_pairs_are_refused(value):
    with pytest.raises(ValidationError) as info:
        LoihiPath(decode_pairs=value)
    assert info.value.attr == "decode_pairs"


@pytest.mark.skip_on(nengo=LOIHI_ONLY, nengo_dl=LOIHI_ONLY)
def test_a_path_with_other_decode_neurons_needs_its_model(Simulator):
    path = LoihiPath(decode_pairs=25)
    with nengo.Network() as net:
        memory = LegendreMemoryNetwork(3, 0.1, 16, target=path)
    with pytest.raises(ValidationError, match="25 pairs|decode_pairs=25") as info:
        with Simulator(net, dt=DT):
            pass
    assert info.value.obj is memory
    with Simulator(net, dt=DT, model=loihi_model(path, DT)) as sim:
        sim.run_steps(2)
