"""The Mackey-Glass series and the LMU paper's prediction task on it.

The series follows the Mackey-Glass delay equation with delay 17,

.. math:: \\dot x(t) = \\frac{0.2\\, x(t - 17)}{1 + x(t - 17)^{10}} - 0.1\\, x(t),

which is chaotic for this delay. As in the notebooks published with the LMU
paper (``../shared/design/EXPERIMENTS.md``):

- it is integrated by forward Euler with 10 substeps per sample (step 0.1),
  so that the delay is 170 substeps; each sample is the value after its 10
  substeps;
- each series starts at 1.2 with a history of 170 substep values
  :math:`1.2 + 0.2 (U - 0.5)`, :math:`U` uniform on [0, 1), drawn in turn for
  the series from one ``RandomState(seed)``; (carrying each series' last
  value over as the next one's start, as some versions of this generator
  do, gives the same baseline to 0.03 points);
- the values are squashed by :math:`\\tanh(x - 1)`, the first 100 samples of
  each series dropped (washout), and all series centred by their common
  mean (about -0.066).

The task (the corrected version of the paper's, its ``fix-mackey-glass``
branch): from the series up to step :math:`t`, predict step :math:`t + 15`;
128 series of 5000 steps, 64 to train (of which the last 32 validate) and
64 to test; the metric is the NRMSE over all test steps. Predicting the
input itself scores `BASELINE_NRMSE` (162.4%).
"""

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import real_array

DELAY = 17.0  # the equation's delay
SUBSTEPS = 10  # Euler steps per sample (a step of 0.1)
WASHOUT = 100  # samples dropped from the start of each series
HORIZON = 15  # steps ahead to predict
BASELINE_NRMSE = 1.624  # the paper's: the input itself as the prediction


def _positive_int(value, attr):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValidationError(f"must be an integer >= 1, got {value!r}", attr=attr)
    return int(value)


def mackey_glass_series(n_series=128, n_samples=5115, seed=0):
    """Raw Mackey-Glass series, integrated by Euler (see the module).

    Parameters
    ----------
    n_series : int
        Number of series, each with its own random history.
    n_samples : int
        Samples a series (each the value after 10 substeps of 0.1).
    seed : int
        Seed of the ``RandomState`` that draws the histories, series by
        series.

    Returns
    -------
    (n_series, n_samples) ndarray
        :math:`x` at times 1, 2, ..., ``n_samples`` (unsquashed).
    """
    n_series = _positive_int(n_series, "n_series")
    n_samples = _positive_int(n_samples, "n_samples")
    rng = np.random.RandomState(seed)
    lag = int(round(DELAY * SUBSTEPS))
    # the ring buffer of the last `lag` substep values, oldest at `k`
    history = 1.2 + 0.2 * (rng.rand(n_series, lag) - 0.5)
    x = np.full(n_series, 1.2)
    out = np.empty((n_series, n_samples))
    k = 0
    for i in range(n_samples):
        for _ in range(SUBSTEPS):
            delayed = history[:, k].copy()
            history[:, k] = x
            k = (k + 1) % lag
            # the tenth power by multiplications, each exactly rounded: a
            # library's pow may differ in the last bit between platforms, and
            # the chaos makes any such difference visible within the series
            squared = delayed * delayed
            fifth = squared * squared * delayed
            x = x + (0.2 * delayed / (1 + fifth * fifth) - 0.1 * x) / SUBSTEPS
        out[:, i] = x
    return out


def mackey_glass_task(n_series=128, steps=5000, seed=0):
    """The prediction task: inputs, targets 15 steps ahead, and the split.

    Parameters
    ----------
    n_series : int
        Number of series (128 in the paper); half train, half test. Must be
        a multiple of 4 (a quarter of the series validate).
    steps : int
        Steps of each input sequence (5000 in the paper).
    seed : int
        The histories' seed (`mackey_glass_series`).

    Returns
    -------
    dict
        ``"train"``, ``"validation"``, ``"test"``: ``(x, y)`` pairs of
        ``(series, steps, 1)`` arrays, ``y`` being ``x`` 15 steps later;
        the training pairs include the validation ones' series, which are
        the last quarter of all series' first half (``"fit"`` holds the
        training pairs without them); ``"mean"``: the mean removed.
    """
    n_series = _positive_int(n_series, "n_series")
    steps = _positive_int(steps, "steps")
    if n_series % 4:
        raise ValidationError(
            f"must be a multiple of 4 (half train, a quarter of all validate), "
            f"got {n_series}",
            attr="n_series",
        )
    raw = mackey_glass_series(n_series, WASHOUT + steps + HORIZON, seed)
    series = np.tanh(raw - 1)[:, WASHOUT:]
    mean = float(series.mean())
    series = series - mean
    x, y = series[:, :-HORIZON, None], series[:, HORIZON:, None]
    half, quarter = n_series // 2, n_series // 4
    return {
        "train": (x[:half], y[:half]),
        "fit": (x[:quarter], y[:quarter]),
        "validation": (x[quarter:half], y[quarter:half]),
        "test": (x[half:], y[half:]),
        "mean": mean,
    }


def nrmse(predicted, target):
    """RMSE over all series and steps, over the RMS of the target.

    Parameters
    ----------
    predicted, target : array_like
        Arrays of the same shape.

    Returns
    -------
    float
        :math:`\\sqrt{\\overline{(\\hat y - y)^2} / \\overline{y^2}}`.
    """
    predicted = real_array(predicted, "predicted")
    target = real_array(target, "target")
    if predicted.shape != target.shape:
        raise ValidationError(
            f"shapes differ: {predicted.shape} and {target.shape}", attr="predicted"
        )
    power = np.mean(target**2) if target.size else 0.0
    if not power > 0:
        raise ValidationError(
            "must not be all zeros (or empty): the error is relative to its RMS",
            attr="target",
        )
    return float(np.sqrt(np.mean((predicted - target) ** 2) / power))
