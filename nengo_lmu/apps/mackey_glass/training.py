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
import functools
import time
from pathlib import Path

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.apps.mackey_glass.data import nrmse
from nengo_lmu.io.atomic import write_atomically

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
        Time an epoch in this run, its validation pass included.
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
    write_atomically(path, lambda partial: np.savez(partial, **arrays))


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


class _State:
    """What the epochs of a run share with `train`: counts, losses, best weights."""

    def __init__(self, weights):
        self.done, self.losses, self.best_epoch = 0, [], 0
        self.best_params = weights
        self.elapsed, self.run_epochs = 0.0, 0


@functools.lru_cache(maxsize=None)
def _epochs_class():
    """The Keras callback of `train` (defined once TensorFlow is imported)."""
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    class Epochs(tf.keras.callbacks.Callback):
        """After each epoch: the validation loss, the best weights, the
        checkpoint, and the stop once the time budget is spent."""

        def __init__(self, state, path, seconds, verbose):
            super().__init__()
            self.state, self.path = state, path
            self.seconds, self.verbose = seconds, verbose

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            state = self.state
            state.elapsed += time.perf_counter() - self.start
            state.run_epochs += 1
            state.done += 1
            state.losses.append(float(logs["val_loss"]))
            if state.losses[-1] < min(state.losses[:-1], default=np.inf):
                state.best_epoch = state.done
                state.best_params = self.model.get_weights()
            if self.path is not None:
                moments = [v.numpy() for v in self.model.optimizer.variables()]
                _save(
                    self.path,
                    state.done,
                    state.losses,
                    state.best_epoch,
                    self.model.get_weights(),
                    state.best_params,
                    moments,
                )
            if self.verbose:
                print(
                    f"epoch {state.done}: validation MSE {state.losses[-1]:.3e}",
                    flush=True,
                )
            if self.seconds is not None and state.elapsed > self.seconds:
                self.model.stop_training = True

    return Epochs


def attach_series(net):
    """Add the Node that feeds the series and the output's probe to ``net``.

    With NengoDL's settings for whole sequences (every step probed), as
    `train` and `.spiking` run the models. Once only: the pair is kept as
    ``net.series`` and returned again on later calls.

    Parameters
    ----------
    net : nengo.Network
        A model with ``input`` and ``output`` of one dimension each.

    Returns
    -------
    source : nengo.Node
    probe : nengo.Probe
    """
    from nengo_lmu.dl import configure  # pylint: disable=import-outside-toplevel

    if getattr(net, "series", None) is not None:
        return net.series
    with net:
        configure(keep_history=True)
        source = nengo.Node(np.zeros(1), label="series")
        nengo.Connection(source, net.input, synapse=None)
        probe = nengo.Probe(net.output)
    net.series = (source, probe)
    return net.series


def load_best_weights(path):
    """The best epoch's weights saved in a `train` checkpoint.

    Parameters
    ----------
    path : str or path-like
        The checkpoint (``.npz``).

    Returns
    -------
    list of ndarray
        NengoDL's ``keras_model`` weights, in order.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"no training checkpoint at {path}: train the model first "
            "(python benchmarks/mackey_glass.py)"
        )
    with np.load(path, allow_pickle=False) as data:
        count = sum(1 for key in data.files if key[5:].isdigit() and key[:5] == "best_")
        if count == 0:
            raise ValidationError(
                f"{path} holds no best weights ('best_0', ...): it is not a "
                "checkpoint of nengo_lmu.apps.mackey_glass.training.train",
                attr="path",
            )
        return [data[f"best_{i}"] for i in range(count)]


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

    The epochs run in one NengoDL ``fit`` (a Keras callback keeps the
    validation losses, the best weights and the checkpoint): calling
    ``fit`` once an epoch instead grew the process by about 14 MB an epoch
    and slowed the epochs from 6.5 s to 12 s within a hundred.

    Parameters
    ----------
    net : nengo.Network
        A model (``input`` and ``output`` of one dimension each, as the
        builders of `nengo_lmu.apps.mackey_glass.models` make them). It
        gains the Node that feeds the series, the output's probe and
        NengoDL's settings (`attach_series`), and is trained from the
        weights it holds: build a new one for each run.
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

    from nengo_lmu.dl import simulator  # pylint: disable=import-outside-toplevel

    source, probe = attach_series(net)
    fit, validation, test = task["fit"], task["validation"], task["test"]
    batch = min(BATCH_SIZE, len(fit[0]))
    path = None if checkpoint is None else Path(checkpoint)
    with simulator(net, minibatch_size=batch, seed=seed, progress_bar=False) as sim:
        model = sim.keras_model
        optimizer = tf.optimizers.Adam(learning_rate)
        sim.compile(optimizer=optimizer, loss={probe: tf.losses.mse})
        optimizer.build(model.trainable_variables)
        state = _State(model.get_weights())
        if path is not None and path.exists():
            (
                state.done,
                state.losses,
                state.best_epoch,
                weights,
                state.best_params,
                m,
            ) = _load(path, model.get_weights(), optimizer.variables())
            model.set_weights(weights)
            for variable, value in zip(optimizer.variables(), m):
                variable.assign(value)
        if state.done < epochs:
            sim.fit(
                {source: fit[0]},
                {probe: fit[1]},
                epochs=epochs - state.done,
                validation_data=({source: validation[0]}, {probe: validation[1]}),
                callbacks=[_epochs_class()(state, path, seconds, verbose)],
                verbose=0,
            )
        test_nrmse = None
        if state.done >= epochs:
            model.set_weights(state.best_params)
            predicted = sim.predict({source: test[0]}, verbose=0)[probe]
            test_nrmse = nrmse(predicted, test[1])
    return TrainingResult(
        epochs_done=state.done,
        test_nrmse=test_nrmse,
        best_epoch=state.best_epoch,
        validation_loss=state.losses,
        seconds_per_epoch=state.elapsed / max(state.run_epochs, 1),
        params=state.best_params,
    )
