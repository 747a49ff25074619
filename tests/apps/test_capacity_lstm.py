"""The capacity task's LSTM baseline (Keras): its size, training, seeding."""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from nengo_lmu.apps.capacity import capacity_data  # noqa: E402
from nengo_lmu.apps.capacity.lstm import lstm_model, lstm_mse, train_lstm  # noqa: E402


def test_the_papers_parameter_count():
    assert lstm_model().count_params() == 41305


def test_training_lowers_the_error_and_depends_on_the_seed_alone():
    data = capacity_data(20, n_sequences=8)
    untrained = lstm_mse(lstm_model(seed=3), data)
    model, seconds = train_lstm(data, 40, seed=3)
    trained = lstm_mse(model, data)
    assert seconds > 0
    # delay 0 (the input itself) is the easiest to learn
    assert trained[0] < 0.8 * untrained[0]
    assert np.mean(trained) < np.mean(untrained)
    again = lstm_mse(train_lstm(data, 40, seed=3)[0], data)
    assert np.allclose(again, trained, rtol=1e-4)
    other = lstm_mse(train_lstm(data, 40, seed=4)[0], data)
    assert not np.allclose(other, trained, rtol=1e-4)
