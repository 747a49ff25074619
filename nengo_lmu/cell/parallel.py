"""The parallel (closed-form memory) path: the input layout and its normalisation.

A ``parallel=True`` `.LMUCell` is not fed its sequence one step at a time:
its ``input`` takes, for each time step as one sample, the input and its
Legendre memories computed in closed form (`.memory_trajectory`).
`ParallelLayout` owns the layout of that input.

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

from nengo_lmu.arguments import check_count, check_order, real_array
from nengo_lmu.legendre import memory_trajectory


class ParallelLayout:
    """The layout of a parallel cell's input: ``[x, M_0, ..., M_{d-1}, S]``.

    ``x`` is the input itself (``input_d`` values), :math:`M_i` the memory
    of input dimension ``i`` (``order`` values each), and :math:`S` the
    memory of a constant 1 (``order`` values, only with ``use_bias``).

    Parameters
    ----------
    input_d : int
        Size of the input :math:`x`.
    order : int
        Legendre coefficients per memory.
    use_bias : bool
        Whether the memory of a constant 1 is included (for :math:`b_u`).

    Attributes
    ----------
    size : int
        The input's size, ``input_d * (1 + order)`` plus ``order`` with
        ``use_bias``.
    x : slice
        Where :math:`x` is.
    memories : slice
        Where the memories :math:`M_i` are, input dimension major.
    ones : slice or None
        Where :math:`S` is (None without ``use_bias``).
    """

    def __init__(self, input_d, order, use_bias):
        input_d = check_count(input_d, "input_d", low=1)
        order = check_order(order)
        if not isinstance(use_bias, (bool, np.bool_)):
            raise ValidationError(
                f"must be True or False, got {use_bias!r}", attr="use_bias"
            )
        self.input_d, self.order, self.use_bias = input_d, order, bool(use_bias)
        end = input_d * (1 + order)
        self.x = slice(0, input_d)
        self.memories = slice(input_d, end)
        self.ones = slice(end, end + order) if use_bias else None
        self.size = end + (order if use_bias else 0)

    def memory(self, i):
        """Where the memory :math:`M_i` of input dimension ``i`` is.

        Parameters
        ----------
        i : int
            The input dimension.

        Returns
        -------
        slice
        """
        start = self.input_d + i * self.order
        return slice(start, start + self.order)

    def features(self, x, Ad, Bd, steps=None):
        """The input for sequences ``x`` in this layout, in closed form.

        Parameters
        ----------
        x : (n_sequences, n_steps, input_d) array_like
            Input sequences.
        Ad, Bd : ndarray
            The discrete memory system.
        steps : sequence of int, optional
            The steps to compute (all if omitted).

        Returns
        -------
        (n_sequences, n_out_steps, size) ndarray
        """
        x = real_array(x, "x")
        if x.ndim != 3 or x.shape[2] != self.input_d:
            raise ValidationError(
                f"must have shape (n_sequences, n_steps, input_d={self.input_d}), "
                f"got {x.shape}",
                attr="x",
            )
        n, n_steps, d = x.shape
        # (n, d, n_out, q) -> (n, n_out, d * q), input dimension major
        memories = memory_trajectory(np.moveaxis(x, 1, 2), Ad, Bd, steps)
        n_out = memories.shape[2]
        parts = [
            x if steps is None else x[:, list(steps)],
            np.moveaxis(memories, 1, 2).reshape(n, n_out, d * self.order),
        ]
        if self.use_bias:
            ones = memory_trajectory(np.ones(n_steps), Ad, Bd, steps)
            parts.append(np.broadcast_to(ones, (n, n_out, self.order)))
        return np.concatenate(parts, axis=2)


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
    layout = _layout_of(cell)
    features = real_array(features, "features")
    if features.shape[-1] != layout.size:
        raise ValidationError(
            f"last axis must be the cell's parallel_size ({layout.size}), "
            f"got {features.shape}",
            attr="features",
        )
    flat = features.reshape(-1, layout.size)
    d, q = cell.input_d, cell.order
    x = flat[:, layout.x]
    memories = flat[:, layout.memories].reshape(-1, d, q)
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
    layout = _layout_of(cell)
    d, q, md = cell.input_d, cell.order, cell.memory_d
    mean = real_array(mean, "mean")
    scale = real_array(scale, "scale")
    for name, value in (("mean", mean), ("scale", scale)):
        if value.shape != (layout.size,):
            raise ValidationError(
                f"must have the cell's parallel_size ({layout.size},) as "
                f"`normalization` returns it, got shape {value.shape}",
                attr=name,
            )
    if not np.all(scale > 0):
        raise ValidationError(
            f"must be > 0 everywhere (it divides the weights), got "
            f"{np.count_nonzero(scale <= 0)} values <= 0",
            attr="scale",
        )
    scale_x = scale[layout.x]
    scale_m = scale[layout.memory(0)]
    if not np.allclose(scale[layout.memories], np.tile(scale_m, d)):
        raise ValidationError(
            "the memory scales must be shared across input dimensions (as "
            "`normalization` computes them)",
            attr="scale",
        )
    folded = dict(weights)
    # the encoded mean of the memories: c[j, k] = sum_i e[j, i] mean[i, k]
    mean_m = mean[layout.memories].reshape(d, q)
    encoded_mean = (weights["input_encoders"] @ mean_m).reshape(md * q)
    kernel = weights["memory_kernel"] / np.tile(scale_m, md)
    folded["memory_kernel"] = kernel
    bias = weights["hidden_bias"] - kernel @ encoded_mean
    if cell.input_to_hidden:
        input_kernel = weights["input_kernel"] / scale_x
        folded["input_kernel"] = input_kernel
        bias = bias - input_kernel @ mean[layout.x]
    folded["hidden_bias"] = bias
    return folded


def _layout_of(cell):
    """The `ParallelLayout` of an `.LMUCell`, or a refusal naming ``cell``."""
    layout = getattr(cell, "parallel_layout", None)
    if not isinstance(layout, ParallelLayout):
        raise ValidationError(
            f"must be an LMUCell, got {type(cell).__name__}", attr="cell"
        )
    return layout
