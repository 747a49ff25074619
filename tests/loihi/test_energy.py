"""The energy estimate from Loihi's published per-event energies."""

import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.apps.psmnist.loihi import energy_per_image
from nengo_lmu.loihi.energy import dynamic_energy


def test_each_event_is_priced_as_published():
    assert dynamic_energy(1, 0, 0, 0)["total"] == pytest.approx(23.6e-12)
    assert dynamic_energy(0, 1, 1, 0)["total"] == pytest.approx(81e-12)
    assert dynamic_energy(0, 1, 0, 0)["total"] == pytest.approx(52e-12)
    assert dynamic_energy(0, 0, 0, 1)["total"] == pytest.approx(1.7e-12)
    parts = dynamic_energy(10, 5, 2, 3)
    assert parts["total"] == pytest.approx(
        parts["synaptic"] + parts["neurons"] + parts["spikes"]
    )


def test_more_spiking_updates_than_updates_are_refused():
    with pytest.raises(ValidationError) as info:
        dynamic_energy(0, 10, 11, 0)
    assert info.value.attr == "spiking_updates"


def test_a_psmnist_image_counts_every_input_spike_at_every_hidden_neuron():
    result = {"input_spikes_per_image": 100, "hidden_spikes_per_image": 30}
    energy = energy_per_image(result, units=8, window=10)
    assert energy["synaptic"] == pytest.approx(100 * 8 * 23.6e-12)
    assert energy["neurons"] == pytest.approx(30 * 81e-12 + 50 * 52e-12)
    assert energy["spikes"] == pytest.approx(130 * 1.7e-12)
