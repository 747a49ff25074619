"""Training the psMNIST classifier on the parallel (closed-form memory) path."""

import time

import nengo
import numpy as np

from nengo_lmu.apps.accuracy import accuracy
from nengo_lmu.apps.psmnist.settings import progress
from nengo_lmu.cell.parallel import fold_normalization, normalization


def train_parallel(pipeline):
    """Train ``pipeline``'s classifier on the parallel path.

    The closed-form memory of every training and test image at its last
    step is normalised (`.parallel.normalization`), and the classifier is
    trained on it in NengoDL (Adam, cosine decay, cross-entropy on the
    logits); the accuracy on the test images goes into `results` as
    ``"parallel path (rate)"``, the times into `timings`.

    Parameters
    ----------
    pipeline : Pipeline
        The run (its settings and data; the results and timings are
        recorded in it, the weights kept as its ``weights``).

    Returns
    -------
    dict of str to ndarray
        The trained weights for the temporal network, with the
        normalisation folded in (`.parallel.fold_normalization`); also
        kept as ``weights``.
    """
    import nengo_dl

    from nengo_lmu.dl import configure, simulator
    import tensorflow as tf

    s = pipeline.settings
    x_train, y_train = pipeline.data["train"]
    if s.n_train is not None:
        x_train, y_train = x_train[: s.n_train], y_train[: s.n_train]
    x_test, y_test = pipeline.data["test"]

    with nengo.Network(seed=s.seed) as net:
        # one step per sample: no loop over time; each operator on its
        # own (docs/measurements.rst)
        configure(use_loop=False)
        model = pipeline.classifier(parallel=True, dropout=s.dropout)
        inp = nengo.Node(np.zeros(model.cell.parallel_size))
        source = inp
        if s.input_dropout > 0:
            source = nengo_dl.TensorNode(
                tf.keras.layers.Dropout(s.input_dropout),
                shape_in=(model.cell.parallel_size,),
                pass_time=False,
            )
            nengo.Connection(inp, source, transform=None, synapse=None)
        nengo.Connection(source, model.input, synapse=None)
        probe = nengo.Probe(model.output)

    start = time.perf_counter()
    progress("Closed-form memory (training and test images)", pipeline.verbose)
    train_features = pipeline.features(model.cell, x_train)
    test_features = pipeline.features(model.cell, x_test)
    mean, scale = normalization(model.cell, train_features)
    train_features = ((train_features - mean) / scale).astype(np.float32)
    test_features = ((test_features - mean) / scale).astype(np.float32)
    pipeline.timings["features"] = time.perf_counter() - start

    progress(f"Training on the parallel path ({s.epochs} epochs)", pipeline.verbose)
    start = time.perf_counter()
    # no tf.random.set_seed here: NengoDL seeds TensorFlow from the
    # simulator's seed when it builds its graph, and this function should not
    # change the caller's global state on top of that
    with simulator(
        net, minibatch_size=s.batch_size, seed=s.seed, progress_bar=pipeline.verbose
    ) as sim:
        steps = s.epochs * (len(x_train) // s.batch_size)
        sim.compile(
            optimizer=tf.optimizers.Adam(
                tf.keras.optimizers.schedules.CosineDecay(s.learning_rate, steps)
            ),
            loss={probe: tf.losses.SparseCategoricalCrossentropy(from_logits=True)},
            metrics={probe: "accuracy"},
            # batches per call of the training function: a one-step
            # batch is short enough for the call's overhead to count
            steps_per_execution=50,
        )
        n = len(x_train) // s.batch_size * s.batch_size
        sim.fit(
            {inp: train_features[:n]},
            {probe: y_train[:n, None, None]},
            epochs=s.epochs,
            verbose=2 if pipeline.verbose else 0,
        )
        pipeline.timings["training"] = time.perf_counter() - start
        n = len(x_test) // s.batch_size * s.batch_size
        scores = sim.predict({inp: test_features[:n]}, verbose=0)[probe]
        pipeline.parallel_scores = scores[:, -1]
        pipeline.results["parallel path (rate)"] = {
            "accuracy": accuracy(scores[:, -1], y_test[:n]),
            "images": n,
        }
        weights = model.get_weights(sim)
    pipeline.weights = fold_normalization(model.cell, weights, mean, scale)
    return pipeline.weights
