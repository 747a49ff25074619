"""How many of its 8 bits each chip weight keeps, read back from a NengoLoihi build.

NengoLoihi stores a block's weights as 8-bit mantissas sharing one exponent
(``builder/discretize.py``). It chooses the exponent :math:`e` per block
(``discretize_compartment``): the largest of 0, -1, ..., -7 for which the
block's thresholds and biases still fit their registers once scaled like
the weights,

.. math::

    v_{scale} = \\frac{255 \\cdot 2^{6 + e}}{w_{max}\\, f_u f_v}, \\qquad
    \\mathrm{round}(v_{th} v_{scale}) \\le (2^{17} - 1)\\, 2^6, \\qquad
    \\mathrm{round}(|b|\\, v_{scale} f_v) \\le (2^{12} - 1)\\, 2^7,

where :math:`w_{max}` is the block's largest weight and :math:`f_u, f_v`
are the reciprocals of the integral of one input's current and voltage
(NengoLoihi's ``u_infactor`` and ``v_infactor``, about the decays
:math:`1 - e^{-dt / \\tau}`). A synapse whose weights are smaller than the
block's largest gets an exponent lower still. Each exponent below minus the
synapse's shift (``shift_bits``, 1 for NengoLoihi's 7-bit-and-sign weights)
loses a bit ("Lost N extra bits in weight rounding", NengoLoihi warns,
without saying where): the weights' resolution is then fixed by the bias
and the filter, not by the weights. Long filters (small :math:`f_u`) and
large biases against small weights (many presynaptic neurons, each decoding
little) lose bits; on Task B of ``benchmarks/delay.py`` the recurrent
decoders lose 2 bits (:doc:`/measurements`).

`weight_bits` lists, for a built simulator, every synapse with its exponent,
the bits it loses and what forced them.
"""

from collections import namedtuple

import numpy as np
from nengo.exceptions import ValidationError

# NengoLoihi's register limits (builder/discretize.py), written out so that
# this module, like the rest of the package, imports without nengo_loihi
VTH_MAX = (2**17 - 1) * 2**6
BIAS_MAX = (2**12 - 1) * 2**7

SynapseBits = namedtuple(
    "SynapseBits", ["block", "synapse", "rows", "weight_exp", "lost_bits", "limit"]
)
SynapseBits.__doc__ = """A synapse of a NengoLoihi block and the bits its weights keep.

Attributes
----------
block : str
    The block's label (the ensemble, or the connection whose decode neurons
    it holds).
synapse : str
    The synapse's label (``decoders[0]``, ``node_encoders``, ...).
rows : int
    Presynaptic axons (rows of weights).
weight_exp : int
    The exponent NengoLoihi gave the synapse's weights.
lost_bits : int
    Bits of the 8-bit mantissa rounded away, as NengoLoihi warns.
limit : str or None
    What forced them, one or more of (joined by ``" and "``): ``"bias"``,
    ``"threshold"`` (the block's registers would overflow at a higher
    exponent; ``"bias or threshold"`` where the rounded registers no longer
    tell which), ``"smaller than the block"`` (the synapse's weights are
    small against the block's largest); None if no bits are lost.
"""


def _block_limit(compartment):
    """Which registers a block's exponent one higher would overflow."""
    vth = np.abs(np.asarray(compartment.vth, dtype=float))
    bias = np.abs(np.asarray(compartment.bias, dtype=float))
    # one exponent higher doubles the scaled threshold and bias (as stored,
    # after rounding to mantissa and exponent, so near a limit neither may
    # show)
    limits = [
        name
        for name, values, most in (
            ("bias", bias, BIAS_MAX),
            ("threshold", vth, VTH_MAX),
        )
        if np.any(2 * values > most)
    ]
    return " and ".join(limits) if limits else "bias or threshold"


def weight_bits(sim):
    """Every synapse of a built NengoLoihi simulator, with the weight bits it keeps.

    Parameters
    ----------
    sim : nengo_loihi.Simulator
        A simulator built with ``target="sim"`` or ``"loihi"`` (whose model is
        discretised; ``"simreal"`` keeps floating-point weights).

    Returns
    -------
    list of SynapseBits
        In the order of the model's blocks.
    """
    model = getattr(sim, "model", None)
    blocks = getattr(model, "blocks", None)
    if blocks is None:
        raise ValidationError(
            f"must be a built nengo_loihi.Simulator, got {type(sim).__name__}",
            attr="sim",
        )
    records = []
    for block in blocks:
        info = getattr(block.compartment, "discretize_info", None)
        if info is None:
            raise ValidationError(
                f"{block} is not discretised: build the simulator with target='sim' "
                "or 'loihi' (target='simreal' keeps floating-point weights)",
                attr="sim",
            )
        block_exp = int(info["w_exp"])
        for synapse in block.synapses:
            cfg = synapse.synapse_cfg
            exp, shift = int(cfg.weight_exp), int(cfg.shift_bits)
            lost = max(0, -(shift + exp))
            causes = []
            if lost and shift + block_exp < 0:
                causes.append(_block_limit(block.compartment))
            if lost and exp < block_exp:
                causes.append("smaller than the block")
            limit = " and ".join(causes) if causes else None
            records.append(
                SynapseBits(
                    str(block.label),
                    str(synapse.label),
                    len(synapse.weights),
                    exp,
                    lost,
                    limit,
                )
            )
    return records
