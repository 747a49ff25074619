"""The filters of a LoihiPath against NengoLoihi's own arithmetic."""

import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.loihi import LoihiPath
from nengo_lmu.loihi.paths import chip_retention

DT = 0.001
TAUS = [0.002, 0.005, 0.01, 0.02, 0.03, 0.1, 0.2, 0.5, 1.0]


@pytest.mark.parametrize("tau", TAUS)
def test_chip_retention_is_what_nengo_loihi_computes(tau):
    """A compartment configured with ``tau``, discretised by NengoLoihi, and
    one step of its emulator's integer current decay applied to a large
    current: the fraction kept is `chip_retention` (to the floor's 2^-20)."""
    pytest.importorskip("nengo_loihi")
    from nengo_loihi.block import Compartment
    from nengo_loihi.builder.discretize import decay_int, discretize_compartment

    compartment = Compartment(1)
    compartment.configure_relu(dt=DT)  # a threshold, which discretising needs
    compartment.configure_filter(tau, dt=DT)
    discretize_compartment(compartment, w_max=1.0)
    current = np.array([2**20], dtype=np.int64)
    kept = decay_int(current, compartment.decay_u, offset=1)[0] / 2**20
    assert kept == pytest.approx(chip_retention(tau, DT), abs=2**-20)


def test_chip_retention_differs_most_for_long_filters():
    """The 12-bit decay is within 0.1% of the exact time constant at 10 ms
    and 2% off at 0.2 s (the Task B decode filter)."""

    def time_constant(tau):
        return -DT / np.log(chip_retention(tau, DT))

    assert time_constant(0.01) == pytest.approx(0.01, rel=1e-3)
    assert time_constant(0.2) == pytest.approx(0.2043, rel=1e-3)


def test_paths_use_the_chip_decays_unless_told_not_to():
    exact, chip = LoihiPath(decode_tau=0.2, chip_decays=False), LoihiPath(0.2)
    a_exact = -exact.input_synapse(DT).den[1]
    a_chip = -chip.input_synapse(DT).den[1]
    assert a_exact == pytest.approx(np.exp(-DT / 0.2))
    assert a_chip == pytest.approx(chip_retention(0.2, DT))
    rec = chip.recurrent_synapse(0.02, DT)
    assert np.allclose(
        np.sort(np.roots(rec.den)),
        np.sort([chip_retention(0.02, DT), chip_retention(0.2, DT)]),
    )
    assert "chip_decays=True" in repr(chip)
    with pytest.raises(ValidationError) as excinfo:
        LoihiPath(chip_decays="yes")
    assert excinfo.value.attr == "chip_decays"
