"""The offset at rest that the chip's rounded decoders give the memory, corrected.

NengoLoihi rounds each decoded connection's weights to 8-bit mantissas
(`nengo_lmu.loihi.weight_rounding`). The rounding errors :math:`\\Delta W`
of the recurrent connection's decode-neuron weights add, at rest, a constant
:math:`\\delta = a_0^T \\Delta W` to the value the decode neurons carry
(:math:`a_0` the ensemble's rates at the zero state), which the loop
:math:`x = M x + g\\,\\delta` (:math:`M` the mapped recurrent transform,
:math:`g` the decode gain; every filter passes a constant unchanged) turns
into a state offset

.. math::

    \\Delta x = (I - M)^{-1} g\\, \\delta,

and into an output offset :math:`s \\circ M \\Delta x` (:math:`s` the
coefficients' scales). :math:`(I - M)^{-1}` is large for the memory's slow
modes: on Task B of ``benchmarks/delay.py`` the offset of the first two
coefficients is a few percent of their range, differs from network to
network (the rounding errors do), and predicts the measured offsets of the
emulator's memory with correlation 0.85 to 0.998 (:doc:`/measurements`).

`rounding_offset` computes it from a built simulator; `correct_rounding_offsets`
writes its negative into each memory's ``rounding_correction``, which the
memory adds to its output on the host. The offset of the chip-to-host
decoders themselves enters the output once, unamplified, and is left out.
"""

import numpy as np
from nengo.exceptions import ValidationError


def _rounded_columns(model, connection):
    """The rounded weights of ``connection``'s decode neurons, ``(pre neurons, post)``.

    NengoLoihi splits a block that does not fit one core and keeps the list
    of its parts in ``model.objs[connection]["decoded"]``; each part's
    synapse is rounded in place.
    """
    blocks = model.objs[connection]["decoded"]
    blocks = blocks if isinstance(blocks, list) else [blocks]
    return np.hstack(
        [
            np.array([np.ravel(row) for row in synapse.weights], dtype=float)
            for block in blocks
            for synapse in block.synapses
        ]
    )


def rounding_offset(sim, memory):
    """The output offset at rest that rounding the recurrent decoders gives ``memory``.

    Each decode neuron's rounded weights :math:`q` are compared with the
    float weights :math:`w_j` of the coordinate :math:`y_j` of :math:`y = T
    x` that they carry (NengoLoihi's ``weights`` of the connection; the
    chip's scale, exponent and the neuron's gain and sign are one factor,
    fitted): :math:`\\delta_j` is the mean over those neurons of
    :math:`a_0^T (q / c - w_j)`, in units of :math:`y_j`.

    Parameters
    ----------
    sim : nengo_loihi.Simulator
        A built simulator of a network that contains ``memory``, with
        ``target="sim"`` or ``"loihi"`` (rounded weights).
    memory : nengo_lmu.loihi.LoihiLegendreMemoryNetwork
        The memory.

    Returns
    -------
    (size_in * order,) ndarray
        :math:`s \\circ M (I - M)^{-1} g\\, \\delta` for each input dimension's
        ensemble, in the units of ``memory.output``.
    """
    # pylint: disable-next=import-outside-toplevel
    from nengo_loihi.builder.connection import loihi_rates

    model = sim.model
    order, gain = memory.order, memory.target.decode_gain
    offsets = []
    for ens, recurrent in zip(memory.coefficients.ea_ensembles, memory.recurrent):
        built = model.params[ens]
        float_weights = np.asarray(model.params[recurrent].weights, dtype=float).T
        rounded = _rounded_columns(model, recurrent)
        if rounded.shape[0] != ens.n_neurons:
            raise ValidationError(
                f"the chip's weights of {recurrent} have {rounded.shape[0]} rows, "
                f"not one per neuron of {ens} ({ens.n_neurons})",
                attr="sim",
            )
        # what the float weights decode, y = T x, and their slope against it
        # (NengoLoihi's scaling by 1 / dt), on the evaluation points
        T = np.asarray(recurrent.transform.init, dtype=float)
        X = model.params[recurrent].eval_points
        unit = built.encoders / np.linalg.norm(built.encoders, axis=1, keepdims=True)
        rates = loihi_rates(ens.neuron_type, X @ unit.T, built.gain, built.bias, sim.dt)
        y = X @ T.T
        slopes = np.sum((rates @ float_weights) * y, axis=0) / np.sum(y * y, axis=0)
        at_rest = loihi_rates(
            ens.neuron_type,
            np.zeros((1, ens.n_neurons)),
            built.gain,
            built.bias,
            sim.dt,
        )[0]
        norms = np.linalg.norm(float_weights, axis=0)
        delta, count = np.zeros(order), np.zeros(order)
        for q in rounded.T:
            if not np.any(q):
                continue
            match = (q @ float_weights) / (np.linalg.norm(q) * norms)
            j = int(np.argmax(np.abs(match)))
            f = float_weights[:, j]
            q = q * (f @ f) / (q @ f)  # in the float weights' units
            delta[j] += at_rest @ (q - f) / slopes[j]
            count[j] += 1
        delta /= np.maximum(count, 1)
        M = T * gain
        state = np.linalg.solve(np.eye(order) - M, gain * delta)
        offsets.append(memory.scale * (M @ state))
    return np.concatenate(offsets)


def correct_rounding_offsets(sim):
    """Set every memory's ``rounding_correction`` to minus its `rounding_offset`.

    Walks the simulator's network; a memory is any subnetwork with a
    ``rounding_correction`` array (`.LoihiLegendreMemoryNetwork`). Call it
    after building and before running.

    Parameters
    ----------
    sim : nengo_loihi.Simulator
        A built simulator (``target="sim"`` or ``"loihi"``).

    Returns
    -------
    list
        The memories corrected.
    """
    network = sim.network
    corrected = []
    for net in [network, *network.all_networks]:
        correction = getattr(net, "rounding_correction", None)
        if isinstance(correction, np.ndarray):
            correction[:] = -rounding_offset(sim, net)
            corrected.append(net)
    return corrected
