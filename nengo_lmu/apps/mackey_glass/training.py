"""Training the Mackey-Glass models in NengoDL, as the paper trained them.

Adam on the mean squared error, minibatches of 32 series, the 32 fitting
series (`.mackey_glass_task`'s ``"fit"``) once an epoch; after each epoch
the loss on the 32 validation series, and the weights of the best epoch
kept (the paper's checkpoint of the best validation loss). The test NRMSE
is then measured on the 64 test series. Every model of
`nengo_lmu.apps.mackey_glass.models` trains the same way, so that a
comparison differs in the model only.

The paper's 500 epochs take hours on a CPU (one gradient step an epoch, of
32 series of 5000 steps), so a run can be split: with ``checkpoint``,
`train` saves its state after every epoch (the weights, Adam's moments, the
validation losses and the best weights so far; arrays only, written by a
rename) and resumes from that file when it exists, and ``seconds`` stops
it after the epoch that runs past a time budget.
"""

import dataclasses
import time
from pathlib import Path

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.apps.mackey_glass.data import nrmse

BATCH_SIZE = 32


@dataclasses.dataclass
class TrainingResult:
    """What `train` measured.

    Parameters
    ----------
    epochs_done : int
        Epochs trained so far (all runs of a checkpoint together).
    test_nrmse : float or None
        NRMSE over every test series and step with the best epoch's
        weights, once all epochs are done (None before).
    best_epoch : int
        The epoch (from 1) of the lowest validation loss.
    validation_loss : list of float
        The validation MSE after each epoch.
    seconds_per_epoch : float
        Training time an epoch in this run (the validation pass excluded).
    params : list of ndarray
        The best epoch's weights (NengoDL's ``keras_model`` weights).
    """

    epochs_done: int
    test_nrmse: object
    best_epoch: int
    validation_loss: list
    seconds_per_epoch: float
    params: list


def _save(path, epoch, losses, best_epoch, weights, best, moments):
    arrays = {
        "epoch": np.array(epoch),
        "losses": np.asarray(losses, dtype=np.float64),
        "best_epoch": np.array(best_epoch),
    }
    for prefix, values in (("weight", weights), ("best", best), ("adam", moments)):
        arrays.update({f"{prefix}_{i}": np.asarray(v) for i, v in enumerate(values)})
    partial = path.with_name(f".{path.stem}.partial.npz")
    try:
        np.savez(partial, **arrays)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _load(path, weights, moments):
    """The checkpoint's state, checked against the model's weights' shapes."""
    with np.load(path, allow_pickle=False) as data:
        saved = {key: data[key] for key in data.files}

    def group(prefix, like):
        values = [saved.get(f"{prefix}_{i}") for i in range(len(like))]
        extra = f"{prefix}_{len(like)}" in saved
        if extra or any(
            v is None or v.shape != np.shape(w) for v, w in zip(values, like)
        ):
            raise ValidationError(
                f"{path} was saved by another model (its {prefix} arrays do not "
                "match this model's); pass another checkpoint or delete it",
                attr="checkpoint",
            )
        return values

    return (
        int(saved["epoch"]),
        [float(v) for v in saved["losses"]],
        int(saved["best_epoch"]),
        group("weight", weights),
        group("best", weights),
        group("adam", moments),
    )


def train(
    net,
    task,
    epochs,
    learning_rate=1e-3,
    seed=0,
    verbose=False,
    checkpoint=None,
    seconds=None,
):
    """Train ``net`` on the task; the best validation epoch's test NRMSE.

    Parameters
    ----------
    net : nengo.Network
        A model (``input`` and ``output`` of one dimension each, as the
        builders of `nengo_lmu.apps.mackey_glass.models` make them). It
        gains the Node that feeds the series, the output's probe and
        NengoDL's settings: build a new one for each call.
    task : dict
        `.mackey_glass_task`'s split.
    epochs : int
        Training epochs in all (the paper: 500), counting those of the
        checkpoint.
    learning_rate : float
        Adam's learning rate (Keras' default, as the paper used).
    seed : int
        The simulator's seed.
    verbose : bool
        Print each epoch's losses.
    checkpoint : str or path-like, optional
        A ``.npz`` file to resume from if it exists, and to save the state
        to after every epoch.
    seconds : float, optional
        Stop after the epoch that ends past this many seconds of training
        (the state is in the checkpoint).

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
    path = None if checkpoint is None else Path(checkpoint)
    with simulator(net, minibatch_size=batch, seed=seed, progress_bar=False) as sim:
        model = sim.keras_model
        optimizer = tf.optimizers.Adam(learning_rate)
        sim.compile(optimizer=optimizer, loss={probe: tf.losses.mse})
        optimizer.build(model.trainable_variables)
        done, losses, best_epoch = 0, [], 0
        best_params = model.get_weights()
        if path is not None and path.exists():
            done, losses, best_epoch, weights, best_params, moments = _load(
                path, model.get_weights(), optimizer.variables()
            )
            model.set_weights(weights)
            for variable, value in zip(optimizer.variables(), moments):
                variable.assign(value)
        best = min(losses) if losses else np.inf
        elapsed, run_epochs = 0.0, 0
        while done < epochs and (seconds is None or elapsed <= seconds):
            start = time.perf_counter()
            sim.fit({source: fit[0]}, {probe: fit[1]}, epochs=1, verbose=0)
            elapsed += time.perf_counter() - start
            run_epochs += 1
            done += 1
            loss = sim.evaluate(
                {source: validation[0]}, {probe: validation[1]}, verbose=0
            )
            losses.append(float(loss["loss"]))
            if losses[-1] < best:
                best, best_epoch, best_params = losses[-1], done, model.get_weights()
            if path is not None:
                moments = [v.numpy() for v in optimizer.variables()]
                _save(
                    path,
                    done,
                    losses,
                    best_epoch,
                    model.get_weights(),
                    best_params,
                    moments,
                )
            if verbose:
                print(f"epoch {done}: validation MSE {losses[-1]:.3e}", flush=True)
        test_nrmse = None
        if done >= epochs:
            model.set_weights(best_params)
            predicted = sim.predict({source: test[0]}, verbose=0)[probe]
            test_nrmse = nrmse(predicted, test[1])
    return TrainingResult(
        epochs_done=done,
        test_nrmse=test_nrmse,
        best_epoch=best_epoch,
        validation_loss=losses,
        seconds_per_epoch=elapsed / max(run_epochs, 1),
        params=best_params,
    )
