"""The Legendre memory as a `nengo.Process`.

Used in a Node::

    memory = nengo.Node(LegendreMemory(order=6, theta=0.5, size_in=2))

(``size_in`` sets the node's input and output sizes; a node created with
another ``size_in`` is refused at build time.)

Nengo core and NengoDL build it into one `.SimLegendreMemory` operator
(`nengo_lmu.memory.builder`); any other simulator that runs plain processes
(NengoLoihi's host, for example) calls `LegendreMemory.make_step`.
"""

import numpy as np
from nengo.exceptions import ValidationError
from nengo.params import EnumParam
from nengo.processes import Process

from nengo_lmu.arguments import CountParam, OrderParam, PositiveParam
from nengo_lmu.legendre import (
    DISCRETIZERS,
    check_euler_stable,
    discretize,
    lmu_system,
)
from nengo_lmu.memory.operator import memory_update


class LegendreMemory(Process):
    """A sliding window of the input, held as Legendre coefficients.

    Each of the ``size_in`` input dimensions :math:`u` drives its own memory of
    ``order`` coefficients :math:`m`, which follows the discretised Legendre
    delay system (`.lmu_system`, `.discretize`)

    .. math::

        m[t] = A_d m[t - 1] + B_d u[t].

    **Timing convention**: the memory at step ``t`` includes the input of step
    ``t`` (the memory is updated first, with the current input), as in
    KerasLMU. Within a Nengo step the node's input is read after the
    connections into it have been computed, so a connection without a synapse
    into the memory node delivers that step's value.

    **Layout**: the output has ``size_in * order`` values: all coefficients of
    input dimension 0, then those of dimension 1, and so on (KerasLMU's
    layout).

    The delayed input :math:`u(t - r\\theta)` is decoded from the memory with
    `.legendre_readout`.

    Parameters
    ----------
    order : int
        Number of Legendre coefficients per input dimension (>= 1).
    theta : float
        Length of the window in seconds (> 0). KerasLMU measures ``theta`` in
        time steps: ``theta_seconds = theta_steps * dt``.
    discretizer : {"zoh", "euler", "pade"}
        How the continuous system is discretised for the simulator's ``dt``
        (see `.discretize`). ``"zoh"`` is exact for input held over each
        step. ``"euler"`` needs a window much longer than ``dt`` (about
        ``0.06 * order**2`` steps for large orders): the build fails with a
        `~nengo.exceptions.ValidationError` if the discrete system would be
        unstable. ``"pade"`` approximates ``"zoh"`` to fifth order and is
        stable for every window. From order `STRUCTURED_MIN_ORDER` on, the
        nengo simulator steps ``"euler"`` and ``"pade"`` memories in
        O(order) operations instead of O(order^2) (`nengo_lmu.structured`),
        which makes orders in the thousands practical.
    size_in : int
        Number of input dimensions (>= 1). The node's output has
        ``size_in * order`` dimensions.
    **kwargs
        Passed to `nengo.Process` (``seed``, ``default_dt``).
    """

    order = OrderParam("order", readonly=True)
    theta = PositiveParam("theta", readonly=True)
    size_in = CountParam("size_in", low=1, readonly=True)
    discretizer = EnumParam("discretizer", values=DISCRETIZERS, readonly=True)

    def __init__(self, order, theta, discretizer="zoh", size_in=1, **kwargs):
        self.order = order
        self.theta = theta
        self.size_in = size_in
        self.discretizer = discretizer
        super().__init__(
            default_size_in=self.size_in,
            default_size_out=self.size_in * self.order,
            **kwargs,
        )

    def discrete_system(self, dt, dense=True):
        """The discrete ``(Ad, Bd)`` for the time step ``dt``.

        The continuous system of `.lmu_system` (``order``, ``theta`` seconds)
        discretised by `.discretize` with ``discretizer``: :math:`m[t] = A_d
        m[t - 1] + B_d u[t]`. Raises a `~nengo.exceptions.ValidationError`
        naming ``theta`` if Euler discretisation would be unstable at this
        ``dt`` (`.euler_min_theta`).

        Parameters
        ----------
        dt : float
            The time step in seconds.
        dense : bool
            Compute the matrices; with False only the stability check is made
            (for the O(order) structured step, which needs no matrices).

        Returns
        -------
        Ad : (order, order) ndarray
        Bd : (order, 1) ndarray
            None (instead of the pair) if ``dense`` is False.
        """
        if self.discretizer == "euler":
            check_euler_stable(self.order, self.theta, dt, obj=self)
        if not dense:
            return None
        return discretize(*lmu_system(self.order, self.theta), dt, self.discretizer)

    def check_shapes(self, shape_in, shape_out):
        """Refuse input and output shapes that do not match this memory.

        Raises a `~nengo.exceptions.ValidationError` naming ``size_in`` or
        ``size_out``, with the shape to use instead.

        Parameters
        ----------
        shape_in : tuple of int
            Must be ``(size_in,)``.
        shape_out : tuple of int
            Must be ``(size_in * order,)``.
        """
        if tuple(shape_in) != (self.size_in,):
            raise ValidationError(
                f"the input has shape {tuple(shape_in)}, but this memory has "
                f"size_in={self.size_in}; create the Node with "
                f"LegendreMemory(..., size_in={int(np.prod(shape_in))})",
                attr="size_in",
                obj=self,
            )
        if tuple(shape_out) != (self.size_in * self.order,):
            raise ValidationError(
                f"the output has shape {tuple(shape_out)}, but the memory "
                f"produces size_in * order = {self.size_in * self.order} values",
                attr="size_out",
                obj=self,
            )

    def make_state(self, shape_in, shape_out, dt, dtype=None):
        """The memory, zero at the start, for `make_step`.

        Parameters
        ----------
        shape_in, shape_out : tuple of int
            The node's input and output shapes (checked in `make_step`).
        dt : float
            The time step in seconds (unused here).
        dtype : numpy.dtype, optional
            The memory's dtype.

        Returns
        -------
        dict
            ``m``: zeros of shape ``(size_in * order,)``, in the output's
            layout.
        """
        return {"m": np.zeros(self.size_in * self.order, dtype=dtype)}

    def make_step(self, shape_in, shape_out, dt, rng, state):
        """A step function for simulators that call processes directly.

        Nengo core and NengoDL use `SimLegendreMemory` instead; this path
        serves any other simulator that runs plain processes (NengoLoihi's
        host, for example).

        Parameters
        ----------
        shape_in : tuple of int
            ``(size_in,)``.
        shape_out : tuple of int
            ``(size_in * order,)``.
        dt : float
            The time step in seconds; the system is discretised for it.
        rng : numpy.random.RandomState
            Unused (the memory is deterministic).
        state : dict
            From `make_step`: ``m``, updated in place.

        Returns
        -------
        callable
            ``step(t, u)``: advances :math:`m[t] = A_d m[t - 1] + B_d u[t]`
            for each input dimension and returns a copy of the memory, shape
            ``(size_in * order,)``.
        """
        self.check_shapes(shape_in, shape_out)
        m = state["m"]
        advance = memory_update(self, dt, m.reshape(self.size_in, self.order))

        def step_legendre_memory(t, u):
            advance(u)
            return m.copy()

        return step_legendre_memory
