"""The LMU paper's memory capacity task: recall white noise T steps back.

As in the notebooks published with the paper
(``../shared/design/EXPERIMENTS.md``), for a delay of :math:`T` steps:

- 200 sequences of :math:`2.5 T` steps of band-limited white noise
  (`nengo.processes.WhiteSignal`, cut-off 10 Hz, starting at 0), generated
  at a step of :math:`1 / T` s, so that :math:`T` steps are 1 s of signal
  whatever :math:`T`; the noise's period is the whole sequence (2.5 s); the
  sequences are drawn in turn from one ``RandomState(seed)``, each divided
  by its own largest absolute value;
- the targets are the input delayed by :math:`0, T/4, T/2, 3T/4` and
  :math:`T` steps (`DELAY_FRACTIONS`; rounded to whole steps where ``T``
  is not a multiple of 4, as for the paper's T = 25); the first 100
  sequences train, the last 100 test;
- the metric is the mean squared error per delay over the test sequences,
  on steps :math:`T` to the end (`CapacityData.scored_steps`), where every
  target is part of the sequence.
"""

import dataclasses

import nengo
import numpy as np
from nengo.exceptions import ValidationError

DELAY_FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)
CUTOFF_HZ = 10.0
LENGTH = 2.5  # sequence length in units of T


@dataclasses.dataclass(frozen=True)
class CapacityData:
    """Sequences of the capacity task for one delay ``T``.

    Parameters
    ----------
    T : int
        The longest delay, in steps.
    train, test : (n, steps) ndarray
        The input sequences, each scaled to a largest absolute value of 1.
    """

    T: int
    train: np.ndarray
    test: np.ndarray

    @property
    def dt(self):
        """The step in seconds, :math:`1 / T`: the delay is always 1 s."""
        return 1.0 / self.T

    @property
    def delays(self):
        """The five delays in steps: :math:`0, T/4, T/2, 3T/4, T`, each
        rounded to the nearest step (halves to the even step) where ``T`` is
        not a multiple of 4: 0, 6, 12, 19 and 25 for the paper's T = 25."""
        return tuple(int(round(f * self.T)) for f in DELAY_FRACTIONS)

    @property
    def scored_steps(self):
        """The steps that the metric averages over: :math:`T` to the end."""
        return slice(self.T, self.train.shape[1])

    def targets(self, sequences):
        """The delayed inputs, ``(n, steps, 5)`` (0 before the start).

        Parameters
        ----------
        sequences : (n, steps) ndarray
            Input sequences (``train`` or ``test``).

        Returns
        -------
        (n, steps, 5) ndarray
        """
        sequences = np.asarray(sequences)
        out = np.zeros(sequences.shape + (len(self.delays),))
        for i, d in enumerate(self.delays):
            out[:, d:, i] = sequences[:, : sequences.shape[1] - d]
        return out


def capacity_data(T, n_sequences=200, seed=0):
    """The capacity task's sequences for a delay of ``T`` steps.

    Parameters
    ----------
    T : int
        The longest delay in steps, at least 20 (twice the noise's cut-off
        per second; the paper: 25 to 100,000). The delays :math:`T/4,
        T/2, 3T/4` are whole steps when ``T`` is a multiple of 4, and are
        rounded to the nearest step otherwise (`CapacityData.delays`); the
        sequences are :math:`\\lfloor 2.5 T \\rfloor` steps long (62 at
        T = 25). The paper's notebooks do not say how they round.
    n_sequences : int
        Number of sequences, an even number: the first half train, the
        second half test (the paper: 200).
    seed : int
        Seed of the ``RandomState`` that draws all sequences in turn.

    Returns
    -------
    CapacityData
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 20:
        raise ValidationError(
            f"must be an integer of at least 20 (the noise's 10 Hz needs 20 steps "
            f"a second), got {T!r}",
            attr="T",
        )
    if (
        isinstance(n_sequences, bool)
        or not isinstance(n_sequences, (int, np.integer))
        or n_sequences < 2
        or n_sequences % 2
    ):
        raise ValidationError(
            f"must be an even integer >= 2 (half train, half test), got "
            f"{n_sequences!r}",
            attr="n_sequences",
        )
    T, n_sequences = int(T), int(n_sequences)
    steps, dt = int(LENGTH * T), 1.0 / T
    rng = np.random.RandomState(seed)
    process = nengo.processes.WhiteSignal(steps * dt, high=CUTOFF_HZ, y0=0)
    sequences = np.empty((n_sequences, steps))
    for i in range(n_sequences):
        x = process.run_steps(steps, dt=dt, rng=rng)[:, 0]
        sequences[i] = x / np.max(np.abs(x))
    half = n_sequences // 2
    return CapacityData(T, sequences[:half], sequences[half:])
