"""The Mackey-Glass series and the prediction task."""

import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.apps.mackey_glass import (
    BASELINE_NRMSE,
    mackey_glass_series,
    mackey_glass_task,
    nrmse,
)


def euler_reference(history, n_samples):
    """One series by the plain loop of the definition (a deque of 170
    substeps, 10 substeps of 0.1 a sample)."""
    history, x, out = list(history), 1.2, []
    for _ in range(n_samples):
        for _ in range(10):
            delayed = history.pop(0)
            history.append(x)
            x = x + (0.2 * delayed / (1 + delayed**10) - 0.1 * x) / 10
        out.append(x)
    return np.array(out)


def test_series_follow_the_delay_equation():
    series = mackey_glass_series(n_series=3, n_samples=60, seed=4)
    histories = 1.2 + 0.2 * (np.random.RandomState(4).rand(3, 170) - 0.5)
    for row, history in zip(series, histories):
        # chaos amplifies the last bit of x**10; 60 samples are far from that
        assert np.allclose(row, euler_reference(history, 60), rtol=0, atol=1e-9)
    # the chaotic attractor: bounded, positive, not settled
    long = mackey_glass_series(n_series=2, n_samples=3000)
    assert 0.2 < long.min() and long.max() < 1.5
    assert np.std(long[:, -1000:]) > 0.1


def test_task_shapes_split_and_target():
    task = mackey_glass_task(n_series=8, steps=200)
    for key, n in (("train", 4), ("fit", 2), ("validation", 2), ("test", 4)):
        x, y = task[key]
        assert x.shape == y.shape == (n, 200, 1), key
    x, y = task["train"]
    assert np.array_equal(y[:, :-15], x[:, 15:])  # y is x 15 steps later
    assert np.array_equal(np.concatenate([task["fit"][0], task["validation"][0]]), x)
    # centred by the mean of all series, washout dropped
    raw = mackey_glass_series(8, 100 + 200 + 15)
    squashed = np.tanh(raw - 1)[:, 100:]
    assert task["mean"] == pytest.approx(squashed.mean())
    assert np.array_equal(task["test"][0][:, :, 0], (squashed - task["mean"])[4:, :200])


def test_the_papers_baseline_and_mean():
    """Predicting the input itself scores the paper's 162.4%."""
    task = mackey_glass_task()
    x, y = task["test"]
    assert x.shape == (64, 5000, 1)
    assert round(100 * nrmse(x, y), 1) == round(100 * BASELINE_NRMSE, 1) == 162.4
    assert task["mean"] == pytest.approx(-0.066, abs=5e-4)


def test_nrmse():
    y = np.random.RandomState(0).normal(size=(3, 10, 1))
    assert nrmse(y, y) == 0
    assert nrmse(np.zeros_like(y), y) == pytest.approx(1.0)
    with pytest.raises(ValidationError, match="shapes"):
        nrmse(y[:, :5], y)


@pytest.mark.parametrize(
    "kwargs, attr",
    [
        (dict(n_series=6), "n_series"),
        (dict(n_series=0), "n_series"),
        (dict(steps=0), "steps"),
        (dict(steps=2.5), "steps"),
    ],
)
def test_bad_arguments_are_refused(kwargs, attr):
    with pytest.raises(ValidationError, match=attr):
        mackey_glass_task(**kwargs)


def test_the_papers_lmu_has_its_parameter_count():
    """4 cells of 49 units, order 4, all connections, a hidden bias, and a
    linear readout: the paper's 18,326 (80 of them the fixed A and B)."""
    import nengo

    from nengo_lmu.apps.mackey_glass.models import lmu_stack, parameter_counts

    net = lmu_stack()
    assert parameter_counts(net) == {"trained": 18246, "fixed": 80, "total": 18326}
    assert [cell.input_d for cell in net.cells] == [1, 49, 49, 49]
    assert all(cell.theta == pytest.approx(0.004) for cell in net.cells)
    with net:
        stim = nengo.Node(lambda t: np.sin(20 * t))
        nengo.Connection(stim, net.input, synapse=None)
        probe = nengo.Probe(net.output)
    with nengo.Simulator(net, progress_bar=False) as sim:
        sim.run_steps(200)
    out = sim.data[probe]
    assert out.shape == (200, 1) and np.all(np.isfinite(out)) and np.std(out) > 1e-3


def test_the_papers_initial_weights():
    """e_x and e_h lecun-uniform, e_m zero, the kernels glorot-normal: as the
    paper's own cell drew them; KerasLMU's draw is the other choice."""
    from nengo_lmu.apps.mackey_glass.models import lmu_stack, paper_weights

    w = paper_weights(49, 4, 49, np.random.RandomState(0))
    assert {k: v.shape for k, v in w.items()} == {
        "input_encoders": (1, 49),
        "hidden_encoders": (1, 49),
        "memory_encoders": (1, 4),
        "memory_kernel": (49, 4),
        "input_kernel": (49, 49),
        "hidden_kernel": (49, 49),
        "hidden_bias": (49,),
    }
    assert np.all(w["memory_encoders"] == 0) and np.all(w["hidden_bias"] == 0)
    assert np.abs(w["hidden_encoders"]).max() <= np.sqrt(3 / 49)
    sigma = np.sqrt(2 / 98) / 0.87962566103423978
    assert np.abs(w["hidden_kernel"]).max() <= 2 * sigma
    # unlike KerasLMU's orthogonal W_h
    assert not np.allclose(w["hidden_kernel"] @ w["hidden_kernel"].T, np.eye(49))

    paper, keras = lmu_stack(), lmu_stack(initializers="keraslmu")
    first = paper.cells[0].get_weights()
    assert np.all(first["memory_encoders"] == 0)
    assert np.array_equal(
        first["hidden_kernel"], lmu_stack().cells[0].get_weights()["hidden_kernel"]
    )
    k = keras.cells[0].get_weights()["hidden_kernel"]
    assert np.allclose(k @ k.T, np.eye(49), atol=1e-6)
    with pytest.raises(ValidationError, match="initializers"):
        lmu_stack(initializers="glorot")
