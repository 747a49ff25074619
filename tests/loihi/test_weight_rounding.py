"""The weight bits of a NengoLoihi build, against NengoLoihi's own warnings."""

import re
import warnings
from collections import Counter

import nengo
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.loihi import LoihiPath
from nengo_lmu.loihi import model as loihi_model
from nengo_lmu.loihi.weight_rounding import weight_bits
from nengo_lmu.neurons import LegendreMemoryNetwork

DT = 0.001
LOIHI_ONLY = "reads what NengoLoihi builds"
# a memory like Task B of benchmarks/delay.py on the emulator (order 6, 1 s,
# 996 LIF at 150-250 Hz, a 0.2 s decode filter)
PATH = LoihiPath(decode_tau=0.2)
ENSEMBLES = dict(
    max_rates=nengo.dists.Uniform(150, 250), intercepts=nengo.dists.Uniform(-0.7, 0.7)
)


def build_memory(Simulator, synapse):
    """Task B's memory built on ``Simulator``; its synapses and the bits that
    NengoLoihi warned were lost."""
    with nengo.Network(seed=2) as net:
        memory = LegendreMemoryNetwork(
            6, 1.0, 166, synapse=synapse, target=PATH, ensemble_kwargs=ENSEMBLES
        )
        nengo.Connection(nengo.Node(0.1), memory.input, synapse=None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with Simulator(net, dt=DT, model=loihi_model(PATH, DT)) as sim:
            records = weight_bits(sim)
    pattern = re.compile(r"Lost (\d+) extra bits in weight rounding")
    # NengoLoihi warns once per row of a synapse that loses bits
    warned = Counter(
        int(match.group(1))
        for match in (pattern.search(str(w.message)) for w in caught)
        if match
    )
    return records, warned


@pytest.mark.skip_on(nengo=LOIHI_ONLY, nengo_dl=LOIHI_ONLY)
def test_the_lost_bits_are_those_nengo_loihi_warns_of(Simulator):
    """The rows that lose each count of bits are those NengoLoihi warns of; the
    recurrent decoders lose bits to their block's bias (a 50 ms filter), and
    the decoders to the host, one block of their own with no bias, none."""
    records, warned = build_memory(Simulator, synapse=0.05)
    reported = Counter()
    for record in records:
        if record.lost_bits:
            reported[record.lost_bits] += record.rows
    assert warned and warned == reported
    decoders = [r for r in records if r.synapse.startswith("decoders[")]
    assert decoders and all(r.rows == 996 for r in decoders)
    assert max(r.lost_bits for r in decoders) >= 1
    # the bias binds in every lossy decoder block (the threshold may too)
    assert all("bias" in r.limit.split(" and ") for r in decoders if r.lost_bits)
    probe = [r for r in records if r.synapse == "probe_decoders"]
    assert probe and all(r.lost_bits == 0 and r.limit is None for r in probe)


@pytest.mark.skip_on(nengo=LOIHI_ONLY, nengo_dl=LOIHI_ONLY)
def test_a_shorter_filter_keeps_more_bits(Simulator):
    """Each input spike's current lasts about tau / dt steps, so a 5 ms filter
    lets the recurrent decoders' block take a weight exponent 3 higher than
    a 50 ms one (a factor 10 in the scaling): they keep more bits."""
    long, _ = build_memory(Simulator, synapse=0.05)
    short, _ = build_memory(Simulator, synapse=0.005)

    def lost(records):
        return sum(r.lost_bits for r in records if r.synapse.startswith("decoders["))

    assert lost(short) < lost(long)


def test_only_a_nengo_loihi_build_is_read():
    with nengo.Network() as net:
        nengo.Ensemble(10, 1)
    with nengo.Simulator(net, progress_bar=False) as sim:
        with pytest.raises(ValidationError, match="nengo_loihi.Simulator") as info:
            weight_bits(sim)
    assert info.value.attr == "sim"


@pytest.mark.skip_on(nengo=LOIHI_ONLY, nengo_dl=LOIHI_ONLY)
def test_an_undiscretised_build_is_refused(Simulator):
    with nengo.Network(seed=0) as net:
        nengo.Connection(nengo.Ensemble(10, 1), nengo.Ensemble(10, 1))
    with Simulator(net, dt=DT, target="simreal") as sim:
        with pytest.raises(ValidationError, match="not discretised.*simreal") as info:
            weight_bits(sim)
    assert info.value.attr == "sim"
