"""The psMNIST figure: accuracies, and digits with their spikes and scores."""

import nengo
import numpy as np


def draw_figure(path, results, images, labels, spikes, scores, dt):
    """Draw the accuracies, and some test digits with spikes and class scores.

    Parameters
    ----------
    path : str or path-like
        The image file to write.
    results : dict
        The pipeline's results: per stage, ``accuracy`` and ``images``.
    images : (n, 784) ndarray
        The test digits, in reading order.
    labels : (n,) ndarray
        Their labels.
    spikes : (n, steps, neurons) ndarray
        Hidden neurons' spikes over the last steps.
    scores : (n, steps, 10) ndarray
        The class scores over the same steps.
    dt : float
        The time step in seconds.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(images)
    fig = plt.figure(figsize=(12, 2.6 * (n + 1)))
    grid = fig.add_gridspec(n + 1, 3, width_ratios=(1, 3, 2))
    ax = fig.add_subplot(grid[0, :])
    names = list(results)
    accuracies = [100 * results[k]["accuracy"] for k in names]
    ax.barh(names, accuracies, color="tab:blue")
    for i, (a, k) in enumerate(zip(accuracies, names)):
        ax.text(a + 0.1, i, f"{a:.2f}% ({results[k]['images']} images)", va="center")
    ax.set_xlim(min(accuracies) - 5, 101)
    ax.set_xlabel("psMNIST test accuracy (%)")
    ax.invert_yaxis()
    t = np.arange(1, spikes.shape[1] + 1) * dt
    for i in range(n):
        ax = fig.add_subplot(grid[i + 1, 0])
        ax.imshow(images[i].reshape(28, 28), cmap="gray_r")
        ax.set_title(f"label {labels[i]}")
        ax.axis("off")
        ax = fig.add_subplot(grid[i + 1, 1])
        neurons, steps = np.nonzero(spikes[i].T > 0)
        ax.plot(t[steps], neurons, "|", color="k", markersize=2)
        ax.set_ylabel("hidden neuron")
        ax.set_title("spikes of 40 hidden neurons, last 200 steps")
        ax = fig.add_subplot(grid[i + 1, 2])
        ax.plot(t, scores[i])
        ax.set_title(f"class scores (predicted {np.argmax(scores[i, -1])})")
        ax.set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def draw_run(pipeline, path, n_digits, n_neurons, n_steps):
    """Run ``pipeline``'s spiking network on a few test digits and draw them
    (`draw_figure`).

    Parameters
    ----------
    pipeline : Pipeline
        A trained run (its ``weights`` and ``results``).
    path : str or path-like
        The image file to write.
    n_digits : int
        Test digits to show (the first ones).
    n_neurons : int
        Hidden neurons whose spikes are shown.
    n_steps : int
        The last steps to show.
    """
    from nengo_lmu.dl import configure, simulator

    x, y = pipeline.data["test"]
    x = pipeline.sequences(x[:n_digits])
    net = pipeline.network(pipeline.weights, spiking=True)
    with net:
        configure()
        hidden = nengo.Probe(net.model.cell.output[:n_neurons])
    with simulator(net, minibatch_size=n_digits, progress_bar=False) as sim:
        data = sim.predict({net.inp: x}, n_steps=x.shape[1], verbose=0)
    draw_figure(
        path,
        pipeline.results,
        pipeline.data["test"][0][:n_digits, :, 0][
            :, np.argsort(pipeline.data["pixels"])
        ],
        y[:n_digits],
        data[hidden][:, -n_steps:],
        data[net.probe][:, -n_steps:],
        pipeline.settings.dt,
    )
