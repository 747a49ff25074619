"""The Mackey-Glass models' LSTM layers and baselines in NengoDL."""

import nengo
import numpy as np
import pytest

nengo_dl = pytest.importorskip("nengo_dl")
tf = pytest.importorskip("tensorflow")

from nengo_lmu.apps.mackey_glass.lstm import lstm_layer  # noqa: E402
from nengo_lmu.apps.mackey_glass.models import (  # noqa: E402
    hybrid_stack,
    lmu_stack,
    lstm_stack,
    parameter_counts,
)


def driven(net):
    with net:
        source = nengo.Node(np.zeros(net.input.size_in))
        nengo.Connection(source, net.input, synapse=None)
        probe = nengo.Probe(net.output)
    return source, probe


def test_an_lstm_layer_in_nengo_dl_is_keras_lstm():
    """The TensorNode step with its delayed state computes what
    tf.keras.layers.LSTM computes with the same weights."""
    with nengo.Network() as net:
        net.input = nengo.Node(size_in=3)
        layer = lstm_layer(3, 5, seed=2)
        nengo.Connection(net.input, layer.input, synapse=None)
        net.output = layer.output
    source, probe = driven(net)
    x = np.random.RandomState(0).normal(size=(2, 20, 3)).astype(np.float32)
    with nengo_dl.Simulator(net, minibatch_size=2, progress_bar=False) as sim:
        ours = sim.predict({source: x}, n_steps=20, verbose=0)[probe]
        weights = layer.keras_layer.cell.get_weights()
    keras = tf.keras.layers.LSTM(5, return_sequences=True)
    keras.build((None, None, 3))
    keras.set_weights(weights)
    theirs = keras(x).numpy()
    assert np.abs(theirs).max() > 0.1
    assert np.allclose(ours, theirs, atol=1e-6)


def test_the_papers_parameter_counts():
    assert parameter_counts(lmu_stack())["total"] == 18326
    assert parameter_counts(lstm_stack())["total"] == 18026
    assert parameter_counts(hybrid_stack()) == {
        "trained": 17980,
        "fixed": 40,
        "total": 18020,
    }


@pytest.mark.parametrize(
    "make",
    [
        lambda: lmu_stack(layers=2, units=4),
        lambda: lstm_stack(layers=2, units=3),
        lambda: hybrid_stack(lmu_units=4, lstm_units=3),
    ],
)
def test_counted_parameters_are_what_nengo_dl_trains(make):
    """The count's "trained" part is NengoDL's trainable weights, and a few
    epochs of training lower the loss and move the readout's bias."""
    net = make()
    source, probe = driven(net)
    x = np.random.RandomState(0).normal(size=(4, 30, 1))
    y = 0.5 * np.tanh(x) + 0.3
    with nengo_dl.Simulator(net, minibatch_size=4, progress_bar=False) as sim:
        trainable = sum(np.size(v) for v in sim.keras_model.trainable_weights)
        assert trainable == parameter_counts(net)["trained"]
        sim.compile(optimizer=tf.optimizers.Adam(0.05), loss={probe: tf.losses.mse})
        before = sim.evaluate({source: x}, {probe: y}, verbose=0)["loss"]
        sim.fit({source: x}, {probe: y}, epochs=20, verbose=0)
        after = sim.evaluate({source: x}, {probe: y}, verbose=0)["loss"]
    assert after < 0.7 * before


def test_training_keeps_the_best_validation_epoch():
    from nengo_lmu.apps.mackey_glass import mackey_glass_task
    from nengo_lmu.apps.mackey_glass.training import train

    task = mackey_glass_task(n_series=16, steps=60)
    result = train(lmu_stack(layers=1, units=8), task, 6, learning_rate=1e-2)
    assert len(result.validation_loss) == 6
    assert result.best_epoch == 1 + int(np.argmin(result.validation_loss))
    assert min(result.validation_loss) < result.validation_loss[0]
    # six gradient steps do not learn the series; the test error is measured
    assert np.isfinite(result.test_nrmse) and result.test_nrmse > 0
    assert result.seconds_per_epoch > 0
    assert result.epochs_done == 6


def test_training_resumes_from_its_checkpoint(tmp_path):
    """Four epochs at once, or one (a time budget of 0 s), then three from
    the checkpoint: the same losses, weights and test error."""
    from nengo_lmu.apps.mackey_glass import mackey_glass_task
    from nengo_lmu.apps.mackey_glass.training import train

    task = mackey_glass_task(n_series=8, steps=40)
    make = lambda: lmu_stack(layers=1, units=6)  # noqa: E731
    whole = train(make(), task, 4, learning_rate=1e-2)
    path = tmp_path / "lmu.npz"
    first = train(make(), task, 4, learning_rate=1e-2, checkpoint=path, seconds=0)
    assert first.epochs_done == 1 and first.test_nrmse is None and path.exists()
    rest = train(make(), task, 4, learning_rate=1e-2, checkpoint=path)
    assert rest.epochs_done == 4
    assert np.allclose(rest.validation_loss, whole.validation_loss, rtol=1e-4)
    assert rest.best_epoch == whole.best_epoch
    assert rest.test_nrmse == pytest.approx(whole.test_nrmse, rel=1e-4)
    # a checkpoint of another model is refused by name
    with pytest.raises(nengo.exceptions.ValidationError, match="checkpoint"):
        train(lmu_stack(layers=1, units=7), task, 5, checkpoint=path)


def test_the_experiment_trains_every_model_alike(tmp_path):
    from nengo_lmu.apps.mackey_glass import experiment
    from nengo_lmu.apps.mackey_glass.figure import figure

    plan = experiment.Plan(n_series=8, steps=40, epochs=2, models=("lmu", "hybrid"))
    rows = experiment.run(plan, log=None, checkpoints=tmp_path / "state")
    assert [r["key"] for r in rows] == ["lmu", "hybrid"]
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == [
        "hybrid_2_epochs.npz",
        "lmu_2_epochs.npz",
    ]
    for row in rows:
        assert len(row["validation_nrmse"]) == 2 and row["test_nrmse"] > 0
    text = experiment.table(rows, plan)
    assert "8 series of 40 steps, 2 epochs each" in text
    assert text.count("\n| ") == 3  # the header and two rows
    assert figure(rows, tmp_path / "mg.png").stat().st_size > 10000


def test_the_command_does_not_overwrite_unasked(tmp_path):
    from nengo_lmu.cli import main

    (tmp_path / "mackey_glass.png").write_text("earlier")
    with pytest.raises(SystemExit, match="mackey_glass.png exist.*--force"):
        main(["mackey-glass", "--quiet", "--out", str(tmp_path)])
    assert (tmp_path / "mackey_glass.png").read_text() == "earlier"
    assert not (tmp_path / "mackey_glass.json").exists()


def test_the_trained_model_with_spiking_neurons(tmp_path):
    """The rate model's NRMSE comes back from its checkpoint; spiking neurons
    approach it as the rates grow, with proportionally more spikes; spike-aware
    fine-tuning trains the converted model from there."""
    import functools

    from nengo_lmu.apps.mackey_glass import mackey_glass_task
    from nengo_lmu.apps.mackey_glass import spiking
    from nengo_lmu.apps.mackey_glass.training import load_best_weights, train

    task = mackey_glass_task(n_series=64, steps=50)
    make = functools.partial(lmu_stack, layers=1, units=6)
    path = tmp_path / "lmu.npz"
    trained = train(make(), task, 3, learning_rate=1e-2, checkpoint=path)
    rate = spiking.evaluate(path, task["test"], None, make=make)
    assert rate.nrmse == pytest.approx(trained.test_nrmse, rel=1e-4)
    assert rate.spikes_per_step == 0 and rate.neurons == 6

    few, more, many = (
        spiking.evaluate(path, task["test"], s, None, make=make)
        for s in (1e4, 1e5, 1e6)
    )
    assert few.spikes_per_step > 0
    # once the spiking network follows the rate one, the spikes grow with the
    # rate scale
    assert many.spikes_per_step == pytest.approx(10 * more.spikes_per_step, rel=0.05)
    assert abs(many.nrmse - rate.nrmse) < abs(few.nrmse - rate.nrmse)
    assert abs(many.nrmse - rate.nrmse) < 0.001 * rate.nrmse

    tuned = spiking.fine_tune(
        path, task, 2, 100, make=make, checkpoint=tmp_path / "tuned.npz"
    )
    assert tuned.epochs_done == 2 and np.isfinite(tuned.test_nrmse)
    # the fine-tuned weights load into the same model, and run as in training
    again = spiking.evaluate(
        path, task["test"], 100, None, make=make, tuned=tmp_path / "tuned.npz"
    )
    assert again.nrmse == pytest.approx(tuned.test_nrmse, rel=1e-4)

    with pytest.raises(FileNotFoundError, match="no training checkpoint"):
        load_best_weights(tmp_path / "missing.npz")
    with pytest.raises(nengo.exceptions.ValidationError, match="another model"):
        spiking.evaluate(path, task["test"], make=functools.partial(make, units=7))
    with pytest.raises(nengo.exceptions.ValidationError, match="multiple of 32"):
        spiking.evaluate(path, (task["test"][0][:5], task["test"][1][:5]), make=make)
