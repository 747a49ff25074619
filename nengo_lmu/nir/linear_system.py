"""A continuous-time linear system as a `nengo.Process`, exact for held inputs.

NIR describes its integrators and leaky integrators in continuous time. When
`nengo_lmu.nir.from_nir` meets one with a linear feedback (the Legendre
memory's ``dm/dt = A m + B u`` written as an ``I`` node and a ``Linear``
loop), it builds the loop as one `LinearSystem`, discretised with the
zero-order hold, instead of one nengo synapse per edge, which would advance
the loop by forward Euler.
"""

import numpy as np
from nengo.params import NdarrayParam
from nengo.processes import Process

from nengo_lmu.arguments import check_system
from nengo_lmu.legendre import discretize


class LinearSystem(Process):
    """:math:`\\dot x = A x + B u`, output :math:`x`, advanced exactly per step.

    Each step holds the input constant (zero-order hold) and follows the
    Legendre memory's timing convention (`.LegendreMemory`): the state at
    step :math:`t` includes that step's input,

    .. math:: x[t] = e^{A\\,dt} x[t - 1] + A^{-1} (e^{A\\,dt} - I) B u[t]

    (`.discretize`, which also covers a singular :math:`A`).

    Parameters
    ----------
    A : (n, n) array_like
        The state matrix in 1/s.
    B : (n, k) array_like
        The input matrix in 1/s.
    **kwargs
        Passed to `nengo.Process` (``seed``).
    """

    A = NdarrayParam("A", shape=("*", "*"), readonly=True)
    B = NdarrayParam("B", shape=("*", "*"), readonly=True)

    def __init__(self, A, B, **kwargs):
        A, B = check_system(A, B, names=("A", "B"))
        self.A, self.B = A, B
        super().__init__(
            default_size_in=B.shape[1], default_size_out=A.shape[0], **kwargs
        )

    def make_step(self, shape_in, shape_out, dt, rng, state):
        """``step(t, u)``: advances and returns the state.

        Parameters
        ----------
        shape_in, shape_out : tuple of int
            ``(k,)`` and ``(n,)``.
        dt : float
            The time step in seconds.
        rng : numpy.random.RandomState
            Unused.
        state : dict
            Unused (the state lives in the step function).

        Returns
        -------
        callable
        """
        Ad, Bd = discretize(self.A, self.B, dt)
        x = np.zeros(self.A.shape[0])

        def step_linear_system(t, u):
            x[...] = Ad @ x + Bd @ u
            return x.copy()

        return step_linear_system
