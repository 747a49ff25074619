"""The capacity task's data and the paper's untrained LMU (LMU-0) in nengo."""

import json

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.apps.capacity import (
    DELAY_FRACTIONS,
    capacity_data,
    lmu0_mse,
    spiking_lmu0_mse,
)
from nengo_lmu.apps.capacity.experiment import PUBLISHED_RANGES
from nengo_lmu.apps.capacity.lmu0 import HALF_STEP
from nengo_lmu.legendre import (
    discretize,
    legendre_readout,
    lmu_system,
    memory_trajectory,
)


def test_sequences_length_split_and_scale():
    data = capacity_data(20, n_sequences=6)
    assert data.train.shape == data.test.shape == (3, 50)
    assert data.dt == 1 / 20
    assert data.delays == (0, 5, 10, 15, 20)
    assert data.scored_steps == slice(20, 50)
    both = np.concatenate([data.train, data.test])
    assert np.allclose(np.max(np.abs(both), axis=1), 1.0)
    # drawn in turn from one generator: the first sequences do not depend
    # on how many follow, and the test half is the last of the draw
    more = capacity_data(20, n_sequences=10)
    assert np.array_equal(more.train[:3], data.train)
    assert not np.allclose(more.test[:3], data.test)
    assert np.array_equal(capacity_data(20, n_sequences=6).test, data.test)
    assert not np.allclose(capacity_data(20, n_sequences=6, seed=1).train, data.train)


def test_sequences_are_band_limited_and_start_at_zero():
    """White noise cut off at 10 Hz, whatever T (T steps are 1 s)."""
    for T in (400, 4000):
        data = capacity_data(T, n_sequences=2)
        spectrum = np.abs(np.fft.rfft(data.train[0])) ** 2
        freqs = np.fft.rfftfreq(data.train.shape[1], d=data.dt)
        assert np.sum(spectrum[freqs > 10.5]) < 1e-12 * np.sum(spectrum)
        assert np.sum(spectrum[(freqs > 5) & (freqs <= 10)]) > 0.1 * np.sum(spectrum)
        # y0 = 0: the first step is within one step's change of 0
        assert abs(data.train[0, 0]) < np.max(np.abs(np.diff(data.train[0])))


def test_targets_are_the_delayed_inputs():
    data = capacity_data(20, n_sequences=2)
    targets = data.targets(data.test)
    assert targets.shape == (1, 50, 5)
    for i, d in enumerate(data.delays):
        assert np.array_equal(targets[:, d:, i], data.test[:, : 50 - d])
        assert np.all(targets[:, :d, i] == 0)


def test_delays_that_are_not_whole_steps_are_rounded_to_the_nearest():
    """The paper's T = 25: T/4 = 6.25, T/2 = 12.5 (to the even 12), 3T/4 = 18.75."""
    data = capacity_data(25, n_sequences=2)
    assert data.delays == (0, 6, 12, 19, 25)
    assert data.test.shape == (1, 62)  # floor(2.5 T)
    assert data.scored_steps == slice(25, 62)
    targets = data.targets(data.test)
    assert np.array_equal(targets[:, 19:, 3], data.test[:, :43])


@pytest.mark.parametrize(
    "kwargs, attr",
    [
        (dict(T=16), "T"),
        (dict(T=True), "T"),
        (dict(T=20.0), "T"),
        (dict(T=20, n_sequences=3), "n_sequences"),
        (dict(T=20, n_sequences=0), "n_sequences"),
    ],
)
def test_bad_arguments_are_refused(kwargs, attr):
    with pytest.raises(ValidationError, match=attr):
        capacity_data(**kwargs)


def test_lmu0_scores_what_the_closed_form_memory_gives():
    """The nengo run (memory Node, scoring Node) against the memory in closed
    form, decoded and scored in numpy: the same errors."""
    data = capacity_data(40, n_sequences=8)
    order = 20
    mse = lmu0_mse(data, order=order)
    A, B = lmu_system(order, (data.T - HALF_STEP) * data.dt)
    Ad, Bd = discretize(A, B, data.dt)
    memory = memory_trajectory(data.test, Ad, Bd)  # (n, steps, order)
    decoded = memory @ legendre_readout(order, np.asarray(DELAY_FRACTIONS)).T
    errors = (decoded - data.targets(data.test))[:, data.scored_steps]
    assert np.allclose(mse, np.mean(errors**2, axis=(0, 1)), rtol=1e-9, atol=1e-15)


def test_lmu0_matches_the_papers_curve_at_T_100():
    """The paper's figure: about 7e-3 at T/4 rising to 2e-2 at T."""
    mse = lmu0_mse(capacity_data(100))
    assert np.all(np.diff(mse) > 0)
    assert mse[0] < 1e-3
    assert 4e-3 < mse[1] < 1.2e-2
    assert 1e-2 < mse[4] < 3e-2


def test_lmu0_refuses_sequences_of_another_length():
    data = capacity_data(20, n_sequences=2)
    with pytest.raises(ValidationError, match="sequences"):
        lmu0_mse(data, np.zeros((2, 7)))


def test_the_neural_memory_in_direct_mode_scores_as_the_exact_one():
    """Direct mode computes the network's discrete system without neurons:
    the same errors as the exact memory, so the scoring's lag is right."""
    data = capacity_data(40, n_sequences=4)
    exact = lmu0_mse(data, order=16)
    direct = spiking_lmu0_mse(data, 1, order=16, neuron_type=nengo.Direct())
    assert np.allclose(direct, exact, rtol=1e-6, atol=1e-12)


def test_spiking_lmu0_is_close_to_the_exact_one_at_a_low_order():
    """Order 12, 50 spiking neurons a coefficient, T = 100: within 30% of the
    exact memory's error at every delay (measured: within 12%)."""
    data = capacity_data(100, n_sequences=8)
    exact = lmu0_mse(data, order=12)
    spiking = spiking_lmu0_mse(data, 50, order=12)
    assert np.all(spiking < 1.3 * exact)
    assert np.all(spiking > 0.7 * exact)
    assert not np.allclose(spiking, exact, rtol=1e-3)


def test_the_command_writes_a_table_json_and_figure(tmp_path, capsys):
    from nengo_lmu.cli import main

    assert main(["capacity", "--quiet", "--no-lstm", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "| LMU-0 (order 100, exact memory, nengo) | 1,000 |" in printed
    rows = json.loads((tmp_path / "capacity.json").read_text())
    assert [(r["T"], r["neurons"]) for r in rows] == [(100, 0), (100, 5000), (1000, 0)]
    assert (tmp_path / "capacity.png").stat().st_size > 10000
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "capacity.json",
        "capacity.png",
    ]
    # the exact rows are the paper's LMU-0: inside its figure's ranges
    for row in rows:
        if row["neurons"] == 0:
            low, high = PUBLISHED_RANGES[row["T"]]
            assert low * 0.9 < row["test_mse"][1] and row["test_mse"][4] < high


def test_the_command_does_not_overwrite_unasked(tmp_path, capsys):
    from nengo_lmu.cli import main

    (tmp_path / "capacity.json").write_text("earlier")
    with pytest.raises(SystemExit, match="capacity.json exist.*--force"):
        main(["capacity", "--quiet", "--no-lstm", "--out", str(tmp_path)])
    assert (tmp_path / "capacity.json").read_text() == "earlier"
    assert not (tmp_path / "capacity.png").exists()
    assert (
        main(["capacity", "--quiet", "--no-lstm", "--force", "--out", str(tmp_path)])
        == 0
    )
    assert len(json.loads((tmp_path / "capacity.json").read_text())) == 3
