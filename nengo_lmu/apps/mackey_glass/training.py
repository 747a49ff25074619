"""Training the Mackey-Glass models in NengoDL, as the paper trained them.

Adam on the mean squared error, minibatches of 32 series, the 32 fitting
series (`.mackey_glass_task`'s ``"fit"``) once an epoch; after each epoch
the loss on the 32 validation series, and the weights of the best epoch
kept (the paper's checkpoint of the best validation loss). The test NRMSE
is then measured on the 64 test series. Every model of
`nengo_lmu.apps.mackey_glass.models` trains the same way, so that a
comparison differs in the model only.
"""

import dataclasses
import time

import nengo
import numpy as np

from nengo_lmu.apps.mackey_glass.data import nrmse

BATCH_SIZE = 32


@dataclasses.dataclass
class TrainingResult:
    """What `train` measured.

    Parameters
    ----------
    test_nrmse : float
        NRMSE over every test series and step, with the best epoch's weights.
    best_epoch : int
        The epoch (from 1) of the lowest validation loss.
    validation_loss : list of float
        The validation MSE after each epoch.
    seconds_per_epoch : float
        Training time an epoch (the validation pass excluded).
    params : list of ndarray
        The best epoch's weights (NengoDL's ``keras_model`` weights).
    """

    test_nrmse: float
    best_epoch: int
    validation_loss: list
    seconds_per_epoch: float
    params: list


def train(net, task, epochs, learning_rate=1e-3, seed=0, verbose=False):
    """Train ``net`` on the task; the best validation epoch's test NRMSE.

    Parameters
    ----------
    net : nengo.Network
        A model (``input`` and ``output`` of one dimension each, as the
        builders of `nengo_lmu.apps.mackey_glass.models` make them).
    task : dict
        `.mackey_glass_task`'s split.
    epochs : int
        Training epochs (the paper: 500).
    learning_rate : float
        Adam's learning rate (Keras' default, as the paper used).
    seed : int
        The simulator's seed.
    verbose : bool
        Print each epoch's losses.

    Returns
    -------
    TrainingResult
    """
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    from nengo_lmu.dl import configure, simulator  # pylint: disable=import-outside-toplevel

    with net:
        configure(keep_history=True)
        source = nengo.Node(np.zeros(1), label="series")
        nengo.Connection(source, net.input, synapse=None)
        probe = nengo.Probe(net.output)
    fit, validation, test = task["fit"], task["validation"], task["test"]
    batch = min(BATCH_SIZE, len(fit[0]))
    with simulator(net, minibatch_size=batch, seed=seed, progress_bar=False) as sim:
        sim.compile(
            optimizer=tf.optimizers.Adam(learning_rate), loss={probe: tf.losses.mse}
        )
        losses, best, best_params, seconds = [], np.inf, None, 0.0
        for epoch in range(epochs):
            start = time.perf_counter()
            sim.fit({source: fit[0]}, {probe: fit[1]}, epochs=1, verbose=0)
            seconds += time.perf_counter() - start
            loss = sim.evaluate(
                {source: validation[0]}, {probe: validation[1]}, verbose=0
            )
            losses.append(float(loss["loss"]))
            if losses[-1] < best:
                best, best_epoch = losses[-1], epoch + 1
                best_params = sim.keras_model.get_weights()
            if verbose:
                print(f"epoch {epoch + 1}: validation MSE {losses[-1]:.3e}", flush=True)
        sim.keras_model.set_weights(best_params)
        predicted = sim.predict({source: test[0]}, verbose=0)[probe]
    return TrainingResult(
        test_nrmse=nrmse(predicted, test[1]),
        best_epoch=best_epoch,
        validation_loss=losses,
        seconds_per_epoch=seconds / max(epochs, 1),
        params=best_params,
    )
