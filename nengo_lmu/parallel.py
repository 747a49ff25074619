"""Input normalisation for the parallel (closed-form memory) training path.

The Legendre coefficients of a signal differ in size by orders of magnitude
across the order, and a network trained on them learns faster when each
input is centred and scaled. On the parallel path the inputs are precomputed
features (`.LMUCell.parallel_input`), so they can be normalised outside the
network; afterwards, the normalisation is folded into the hidden kernels and
bias, so that the temporal cell, fed raw inputs, computes exactly what the
parallel cell computed on normalised ones:

.. math::

    W_m \\frac{m - c}{s} + W_x \\frac{x - \\mu_x}{s_x} + b
    = \\frac{W_m}{s} m + \\frac{W_x}{s_x} x
      + \\left(b - \\frac{W_m}{s} c - \\frac{W_x}{s_x} \\mu_x\\right)

where the memory coefficient ``k`` of every input dimension shares one scale
:math:`s_k` (so that the memory encoders, which mix input dimensions, commute
with it) and :math:`c = e_x \\mu_M` is the encoded mean of the memories.
"""

import numpy as np
from nengo.exceptions import ValidationError


def _split(cell, features):
    d, q = cell.input_d, cell.order
    x = features[..., :d]
    memories = features[..., d : d * (1 + q)]
    return x, memories


def normalization(cell, features):
    """The mean and scale of each parallel input (per the module's description).

    Parameters
    ----------
    cell : LMUCell
        A ``parallel=True`` cell (its layout of the features).
    features : (..., parallel_size) array_like
        Training features (`.LMUCell.parallel_input`).

    Returns
    -------
    mean, scale : (parallel_size,) ndarray
        Normalise with ``(features - mean) / scale``. The memory of a
        constant (``use_bias``) is the same for every sample: it is scaled
        like the memories but not centred.
    """
    features = np.asarray(features, dtype=np.float64)
    if features.shape[-1] != cell.parallel_size:
        raise ValidationError(
            f"last axis must be the cell's parallel_size ({cell.parallel_size}), "
            f"got {features.shape}",
            attr="features",
        )
    flat = features.reshape(-1, cell.parallel_size)
    d, q = cell.input_d, cell.order
    x, memories = _split(cell, flat)
    memories = memories.reshape(-1, d, q)
    mean_m = memories.mean(axis=0)  # (d, q)
    scale_m = np.sqrt(((memories - mean_m) ** 2).mean(axis=(0, 1)))  # (q,)
    scale_m = np.where(scale_m > 0, scale_m, 1.0)
    scale_x = x.std(axis=0)
    scale_x = np.where(scale_x > 0, scale_x, 1.0)
    mean = [x.mean(axis=0), mean_m.reshape(-1)]
    scale = [scale_x, np.tile(scale_m, d)]
    if cell.use_bias:
        mean.append(np.zeros(q))
        scale.append(scale_m)
    return np.concatenate(mean), np.concatenate(scale)


def fold_normalization(cell, weights, mean, scale):
    """Weights for raw inputs that compute what ``weights`` computed on
    normalised ones (see the module's description).

    Parameters
    ----------
    cell : LMUCell
        The cell the weights belong to (its options and layout).
    weights : dict
        The cell's weights, trained on ``(features - mean) / scale``.
    mean, scale : (parallel_size,) ndarray
        From `normalization`.

    Returns
    -------
    dict
        The same weights with ``memory_kernel``, ``input_kernel`` and
        ``hidden_bias`` adjusted.
    """
    d, q, md = cell.input_d, cell.order, cell.memory_d
    scale_x = scale[:d]
    scale_m = scale[d : d + q]
    if not np.allclose(scale[d : d * (1 + q)], np.tile(scale_m, d)):
        raise ValidationError(
            "the memory scales must be shared across input dimensions (as "
            "`normalization` computes them)",
            attr="scale",
        )
    folded = dict(weights)
    # the encoded mean of the memories: c[j, k] = sum_i e[j, i] mean[i, k]
    mean_m = mean[d : d * (1 + q)].reshape(d, q)
    encoded_mean = (weights["input_encoders"] @ mean_m).reshape(md * q)
    kernel = weights["memory_kernel"] / np.tile(scale_m, md)
    folded["memory_kernel"] = kernel
    bias = weights["hidden_bias"] - kernel @ encoded_mean
    if cell.input_to_hidden:
        input_kernel = weights["input_kernel"] / scale_x
        folded["input_kernel"] = input_kernel
        bias = bias - input_kernel @ mean[:d]
    folded["hidden_bias"] = bias
    return folded
