"""Classification accuracy from class scores."""

import numpy as np


def accuracy(scores, labels):
    """The fraction of ``scores`` whose largest entry is at ``labels``.

    Parameters
    ----------
    scores : (n, n_classes) array_like
        Class scores.
    labels : (n,) array_like
        The true classes.

    Returns
    -------
    float
    """
    return float(np.mean(np.argmax(scores, axis=-1) == labels))
