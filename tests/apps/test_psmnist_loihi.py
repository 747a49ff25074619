"""psMNIST's hidden layer as it runs on the chip (`nengo_lmu.apps.psmnist.loihi`)."""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LMUClassifier
from nengo_lmu.apps.psmnist import loihi
from data import DATA, needs_data

DT = 0.001


def small_classifier(**kwargs):
    options = dict(
        hidden_to_hidden=False, input_to_hidden=True, seed=1, add_to_container=False
    )
    options.update(kwargs)
    return LMUClassifier(10, 32, 8, 0.1, neuron_type=nengo.RectifiedLinear(), **options)


def rate_scores(classifier, states):
    """:math:`R \\max(0, W_x x_T + W_m e_x m_T + b) + c`, in numpy."""
    w, r = classifier.cell.get_weights(), classifier.get_weights()
    current = (
        states[:, :1] @ w["input_kernel"].T
        + w["input_encoders"][0, 0] * states[:, 1:] @ w["memory_kernel"].T
        + w["hidden_bias"]
    )
    return np.maximum(current, 0) @ r["readout_kernel"].T + r["readout_bias"]


def test_final_states_are_what_the_temporal_classifier_reads(rng):
    """The rate classifier run through time in nengo ends with the scores that
    the final states give."""
    classifier = small_classifier()
    images = rng.uniform(0, 1, size=(3, 40, 1))
    states = loihi.final_states(classifier, images, steps_per_pixel=2)
    assert states.shape == (3, 1 + 8)
    for image, expected in zip(images, rate_scores(classifier, states)):
        with nengo.Network() as net:
            model = small_classifier(add_to_container=True)
            stim = nengo.Node(nengo.processes.PresentInput(image, 2 * DT))
            nengo.Connection(stim, model.input, synapse=None)
            probe = nengo.Probe(model.output)
        with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
            sim.run_steps(80)
        assert np.allclose(sim.data[probe][-1], expected, atol=1e-6)


def test_the_chip_network_estimates_the_rate_scores(rng):
    """In nengo, with a long window: the spike counts' estimate of the scores,
    and the same classes. Scaled sending changes nothing here (nengo has no
    on/off input neurons): the chip's weights undo the scales."""
    classifier = small_classifier()
    states = loihi.final_states(classifier, rng.uniform(0, 1, (60, 40, 1)), 2)
    scales = loihi.send_scales(classifier, states[:40], 99.9)
    settings = loihi.LoihiSettings(window=400, readout_steps=350, rate_scale=1000)
    expected = rate_scores(classifier, states[40:])
    result = loihi.evaluate(
        classifier, states[40:], expected.argmax(axis=1), scales, settings, "nengo"
    )
    error = result["scores"] - expected
    assert np.sqrt(np.mean(error**2) / np.mean(expected**2)) < 0.05
    assert result["accuracy"] == 1.0  # the rate model's own classes
    assert result["hidden_spikes_per_image"] > 0


def test_send_scales_are_the_percentiles_of_what_is_sent(rng):
    classifier = small_classifier()
    states = rng.normal(size=(1000, 9))
    states[:, 3] = 0  # a dimension that never moves is sent as it is
    e_x = classifier.cell.get_weights()["input_encoders"][0, 0]
    scales = loihi.send_scales(classifier, states, 90)
    assert scales[2] == 1.0
    assert np.mean(np.abs(e_x * states[:, 1]) <= scales[0]) == pytest.approx(0.9)


@pytest.mark.parametrize(
    "kwargs", [{"hidden_to_hidden": True}, {"hidden_to_memory": True}, {"memory_d": 2}]
)
def test_classifiers_that_need_more_than_the_last_state_are_refused(kwargs):
    with pytest.raises(ValidationError, match="feedback|memory_d"):
        loihi.check_classifier(small_classifier(**kwargs))


@pytest.mark.parametrize(
    "kwargs, attr",
    [
        ({"window": 10, "readout_steps": 20}, "readout_steps"),
        ({"rate_scale": 0}, "rate_scale"),
        ({"percentile": 0}, "percentile"),
    ],
)
def test_bad_settings_are_refused(kwargs, attr):
    with pytest.raises(ValidationError) as info:
        loihi.LoihiSettings(**kwargs)
    assert info.value.attr == attr


@needs_data
@pytest.mark.skip_on(nengo="runs the emulator", nengo_dl="runs the emulator")
def test_the_shipped_model_classifies_on_the_emulator(Simulator):
    """The first 10 test images on the emulator (1.3-1.5 s each): the first
    20 were all right in benchmarks/loihi_psmnist.py."""
    from nengo_lmu.apps.mnist import psmnist
    from nengo_lmu.apps.psmnist import pretrained

    classifier, info = pretrained(add_to_container=False)
    data = psmnist("paper", DATA)
    accuracy, n = loihi.evaluate_images(
        classifier,
        data["train"][0],
        data["test"][0][:10],
        data["test"][1][:10],
        info["settings"]["steps_per_pixel"],
        loihi.LoihiSettings(scale_images=300),
        backend=Simulator.backend,
    )
    assert n == 10 and accuracy >= 0.9
