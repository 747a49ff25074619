"""The paper's LSTM baseline for the capacity task, in Keras.

An LSTM of 100 units and a linear readout of the five delays (41,305
parameters), trained with Adam on the mean squared error, batch 50, as in
the paper (``../shared/design/EXPERIMENTS.md``), on the 100 training
sequences. The loss counts the steps that the metric scores (:math:`T` to
the end; the paper's notebook does not say), so that the network is not
asked for the zeros that precede each delayed target.

The weights are drawn from initialisers with their own seeds and the batches
are not shuffled, so that a run depends on ``seed`` alone and changes no
global random state. TensorFlow is imported when a function runs.
"""

import time

import numpy as np

from nengo_lmu.apps.capacity.data import DELAY_FRACTIONS

UNITS = 100
BATCH_SIZE = 50


def lstm_model(units=UNITS, seed=0):
    """The LSTM and its readout: ``(steps, 1)`` in, ``(steps, 5)`` out.

    Parameters
    ----------
    units : int
        LSTM units (the paper: 100).
    seed : int
        Seed of the initialisers.

    Returns
    -------
    tf.keras.Model
    """
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    init = tf.keras.initializers
    inputs = tf.keras.Input((None, 1))
    hidden = tf.keras.layers.LSTM(
        units,
        return_sequences=True,
        kernel_initializer=init.GlorotUniform(seed=seed),
        recurrent_initializer=init.Orthogonal(seed=seed + 1),
    )(inputs)
    outputs = tf.keras.layers.Dense(
        len(DELAY_FRACTIONS), kernel_initializer=init.GlorotUniform(seed=seed + 2)
    )(hidden)
    return tf.keras.Model(inputs, outputs)


def train_lstm(data, epochs, units=UNITS, seed=0, verbose=0):
    """Train the baseline on ``data.train``.

    Parameters
    ----------
    data : nengo_lmu.apps.capacity.data.CapacityData
        The task.
    epochs : int
        Passes over the 100 training sequences (the paper: 500).
    units : int
        LSTM units.
    seed : int
        Seed of the initial weights.
    verbose : int
        Keras' ``verbose`` (1: a progress bar an epoch).

    Returns
    -------
    model : tf.keras.Model
    seconds_per_epoch : float
    """
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    model = lstm_model(units, seed)
    model.compile(optimizer=tf.keras.optimizers.Adam(), loss="mse")
    x = data.train[..., None].astype(np.float32)
    y = data.targets(data.train).astype(np.float32)
    weights = np.zeros(data.train.shape, dtype=np.float32)
    weights[:, data.scored_steps] = 1.0
    start = time.perf_counter()
    model.fit(
        x,
        y,
        sample_weight=weights,
        batch_size=BATCH_SIZE,
        epochs=epochs,
        shuffle=False,
        verbose=verbose,
    )
    return model, (time.perf_counter() - start) / max(epochs, 1)


def lstm_mse(model, data, sequences=None):
    """The model's mean squared error per delay on the scored steps.

    Parameters
    ----------
    model : tf.keras.Model
        As `train_lstm` returns it.
    data : nengo_lmu.apps.capacity.data.CapacityData
        The task.
    sequences : (n, steps) ndarray, optional
        Default: ``data.test``.

    Returns
    -------
    (5,) ndarray
    """
    sequences = data.test if sequences is None else np.asarray(sequences)
    predicted = model.predict(
        sequences[..., None].astype(np.float32), batch_size=BATCH_SIZE, verbose=0
    )
    errors = (predicted - data.targets(sequences))[:, data.scored_steps]
    return np.mean(errors**2, axis=(0, 1))
