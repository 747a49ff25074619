"""Running nengo-lmu's networks in NengoDL: one set of settings, one predict.

The psMNIST pipeline, the LMU paper's evaluation and the examples all build
NengoDL simulators the same way: stateless runs, each operator on its own
(faster on a CPU for the cell; :ref:`speed-in-nengodl` has the
measurements), and nengo-lmu's faster dense product (`fast_dot_products`).
"""

import nengo_dl
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import check_count, real_array
from nengo_lmu.dl.builders import fast_dot_products


def configure(stateful=False, keep_history=False, operators_apart=True, **settings):
    """Apply NengoDL settings to the network being built (call inside ``with net:``).

    Parameters
    ----------
    stateful : bool
        Whether the simulator carries state from one call to the next
        (NengoDL's ``stateful``); False for independent sequences.
    keep_history : bool
        Whether probes keep every step (NengoDL's ``keep_history``).
    operators_apart : bool
        Each operator on its own (``planner=noop_planner``) instead of
        NengoDL's merged groups. True for the cell; False for a large
        spiking memory, whose hundreds of ensembles run faster merged.
    **settings
        Further arguments of ``nengo_dl.configure_settings`` (``use_loop``,
        ...).
    """
    if operators_apart:
        settings["planner"] = nengo_dl.graph_optimizer.noop_planner
    nengo_dl.configure_settings(
        stateful=stateful, keep_history=keep_history, **settings
    )


def simulator(network, **kwargs):
    """A ``nengo_dl.Simulator`` of ``network`` with `fast_dot_products`.

    Parameters
    ----------
    network : nengo.Network
        The network to build.
    **kwargs
        Arguments of ``nengo_dl.Simulator`` (``minibatch_size``, ``seed``,
        ``progress_bar``, ...).

    Returns
    -------
    nengo_dl.Simulator
    """
    with fast_dot_products():
        return nengo_dl.Simulator(network, **kwargs)


def predict(network, inputs, probe, minibatch_size, n_steps=None, verbose=False):
    """The output of ``probe`` for ``inputs``, from one NengoDL simulator.

    Parameters
    ----------
    network : nengo.Network
        The network (configured with `configure`).
    inputs : dict of nengo.Node to ndarray
        ``(n, steps, size)`` arrays; ``n`` a multiple of ``minibatch_size``.
    probe : nengo.Probe
        The probe to return.
    minibatch_size : int
        Sequences simulated at a time.
    n_steps : int, optional
        Steps to run (those of the inputs by default).
    verbose : bool
        Show NengoDL's progress bars.

    Returns
    -------
    ndarray
        ``(n, steps, size)``: every step with ``keep_history``, else the last.
    """
    minibatch_size = check_count(minibatch_size, "minibatch_size", low=1)
    if n_steps is not None:
        n_steps = check_count(n_steps, "n_steps", low=1)
    if not isinstance(inputs, dict):
        raise ValidationError(
            f"must be a dict of input Nodes and arrays, got {type(inputs).__name__}",
            attr="inputs",
        )
    inputs = {node: _input_array(node, x, minibatch_size) for node, x in inputs.items()}
    with simulator(network, minibatch_size=minibatch_size, progress_bar=verbose) as sim:
        return sim.predict(inputs, n_steps=n_steps, verbose=int(verbose))[probe]


def _input_array(node, x, minibatch_size):
    """An input's ``(n, steps, size)`` array, checked against its Node."""
    x = real_array(x, "inputs")
    size = getattr(node, "size_out", None)
    if x.ndim != 3 or x.shape[2] != size or x.shape[0] % minibatch_size:
        raise ValidationError(
            f"the array for {node} must have shape (n, steps, {size}) with n a "
            f"multiple of minibatch_size={minibatch_size}, got {x.shape}",
            attr="inputs",
        )
    return x
