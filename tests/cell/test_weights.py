"""Keras' initialisers as the cell's weights module draws them."""

import numpy as np
import pytest

from nengo_lmu.cell.weights import glorot_normal, lecun_uniform


def test_glorot_normal_is_truncated_with_keras_variance():
    rng = np.random.RandomState(0)
    draws = glorot_normal(rng, (300, 500))
    sigma = np.sqrt(2 / 800) / 0.87962566103423978
    # nothing beyond two standard deviations, and close to it on both sides
    assert np.abs(draws).max() <= 2 * sigma
    assert draws.max() > 1.99 * sigma and draws.min() < -1.99 * sigma
    # the divisor makes the truncated draws' variance 2 / (n_in + n_out)
    assert np.var(draws) == pytest.approx(2 / 800, rel=0.01)
    assert abs(np.mean(draws)) < 0.01 * sigma
    assert np.array_equal(draws, glorot_normal(np.random.RandomState(0), (300, 500)))


def test_lecun_uniform_limit_is_set_by_the_fan_in():
    rng = np.random.RandomState(1)
    wide = lecun_uniform(rng, (2, 3000))
    limit = np.sqrt(3 / 3000)
    assert np.abs(wide).max() <= limit and np.abs(wide).max() > 0.99 * limit
    # only n_in (the second entry in nengo's orientation) counts
    narrow = lecun_uniform(rng, (3000, 2))
    assert np.abs(narrow).max() <= np.sqrt(3 / 2)
    assert np.abs(narrow).max() > 0.99 * np.sqrt(3 / 2)
    assert np.var(narrow) == pytest.approx(1 / 2, rel=0.05)
