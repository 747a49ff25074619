"""An estimate of the energy that a network's events would cost on Loihi.

Loihi's designers published the energy of each kind of event in the chip
(Davies et al., "Loihi: A neuromorphic manycore processor with on-chip
learning", IEEE Micro 38(1), 2018, Table 2; the values below are as that
table is quoted by several later papers, which could be checked here, not
the paper itself):

=====================================  ==========
event                                  energy
=====================================  ==========
synaptic spike operation (minimum)     23.6 pJ
neuron update, active / inactive       81 / 52 pJ
spike within a tile                    1.7 pJ
=====================================  ==========

`dynamic_energy` adds them up for counts of events. What it leaves out:
the chip's static power (about 0.1 W a chip, times however long the steps
take), spikes between tiles (3 to 4 pJ a hop, which depend on where
NengoLoihi places the blocks), learning, the host (a memory computed on the
host, the on/off neurons that encode its values) and the transfers between
host and chip. The synaptic operations are priced at the table's minimum,
so the estimate is a lower bound on the dynamic energy.
"""

from nengo.exceptions import ValidationError

# joules per event
SYNAPTIC_OP = 23.6e-12
NEURON_UPDATE_ACTIVE = 81e-12
NEURON_UPDATE_INACTIVE = 52e-12
SPIKE_WITHIN_TILE = 1.7e-12


def dynamic_energy(synaptic_ops, neuron_updates, spiking_updates, spikes):
    """The dynamic energy of a count of events, in joules, with its parts.

    .. math::

        E = 23.6\\,\\mathrm{pJ}\\; n_{syn} + 81\\,\\mathrm{pJ}\\; n_{active}
          + 52\\,\\mathrm{pJ}\\; (n_{update} - n_{active})
          + 1.7\\,\\mathrm{pJ}\\; n_{spikes}

    Parameters
    ----------
    synaptic_ops : float
        Synaptic operations: for each spike that reaches a core, one for
        each synapse it reaches there.
    neuron_updates : float
        Compartment updates: compartments times steps.
    spiking_updates : float
        The updates in which a neuron spiked (counted as active).
    spikes : float
        Spikes sent on the chip (each priced as within one tile).

    Returns
    -------
    dict
        ``total``, ``synaptic``, ``neurons`` and ``spikes``, in joules.
    """
    if not 0 <= spiking_updates <= neuron_updates:
        raise ValidationError(
            f"must be in [0, neuron_updates={neuron_updates}], got {spiking_updates}",
            attr="spiking_updates",
        )
    parts = {
        "synaptic": SYNAPTIC_OP * synaptic_ops,
        "neurons": NEURON_UPDATE_ACTIVE * spiking_updates
        + NEURON_UPDATE_INACTIVE * (neuron_updates - spiking_updates),
        "spikes": SPIKE_WITHIN_TILE * spikes,
    }
    return {"total": sum(parts.values()), **parts}
