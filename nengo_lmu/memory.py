"""The Legendre memory as a `nengo.Process`, with its operator and builder.

Used in a Node::

    memory = nengo.Node(LegendreMemory(order=6, theta=0.5, size_in=2))

(``size_in`` sets the node's input and output sizes; a node created with
another ``size_in`` is refused at build time.)

The memory has an operator of its own, `SimLegendreMemory`, that advances all
input dimensions with one matrix product per step (or, for large orders, an
O(order) structured step). Nengo core runs it directly; NengoDL has its own
builder for it in `nengo_lmu.dl_builders`.
"""

import sys

import numpy as np
from nengo.builder import Builder, Operator, Signal
from nengo.exceptions import ValidationError
from nengo.params import EnumParam, IntParam, NumberParam
from nengo.processes import Process

from nengo_lmu.legendre import (
    DISCRETIZERS,
    discretize,
    euler_min_theta,
    lmu_system,
)
from nengo_lmu.structured import STRUCTURED_METHODS, structured_update

# From this order on, "euler" and "pade" memories step in O(order) operations
# (`nengo_lmu.structured`) instead of a dense O(order^2) product. Measured with
# benchmarks/large_order_speed.py --quick at order 512, d=1: Pade 44 us
# structured against 61 us dense, Euler 29 against 59; at order 256 the dense
# product is as fast or faster.
STRUCTURED_MIN_ORDER = 512


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

    order = IntParam("order", low=1, readonly=True)
    theta = NumberParam("theta", low=0, low_open=True, readonly=True)
    size_in = IntParam("size_in", low=1, readonly=True)
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
            theta_min = euler_min_theta(self.order, dt)
            if not self.theta > theta_min:
                raise ValidationError(
                    f"theta={self.theta} s is too short for Euler discretisation "
                    f"of order {self.order} at dt={dt} s: the discrete system is "
                    f"unstable. Use theta > {theta_min:.6g} s, or "
                    f"discretizer='zoh' (stable for every theta).",
                    attr="theta",
                    obj=self,
                )
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
        advance = _memory_update(self, dt, m.reshape(self.size_in, self.order))

        def step_legendre_memory(t, u):
            advance(u)
            return m.copy()

        return step_legendre_memory


def uses_structured_step(process):
    """Whether nengo steps this memory in O(order) (`nengo_lmu.structured`).

    Parameters
    ----------
    process : LegendreMemory
        The memory.

    Returns
    -------
    bool
        True for ``"euler"`` and ``"pade"`` memories of order
        `STRUCTURED_MIN_ORDER` or more.
    """
    return (
        process.order >= STRUCTURED_MIN_ORDER
        and process.discretizer in STRUCTURED_METHODS
    )


def _memory_update(process, dt, memory):
    """A function ``advance(u)`` that steps ``memory`` in place.

    ``memory`` is a ``(size_in, order)`` array (or view). Large ``"euler"``
    and ``"pade"`` memories use the O(order) structured step; everything else
    one dense product for all input dimensions, ``M <- [M, u] @ [Ad, Bd]^T``.
    """
    if uses_structured_step(process):
        process.discrete_system(dt, dense=False)  # validates theta for Euler
        return structured_update(
            process.order, process.theta, dt, process.discretizer, memory
        )
    system_T = _augmented_system(*process.discrete_system(dt)).astype(memory.dtype)
    augmented = np.zeros((process.size_in, process.order + 1), memory.dtype)  # [M, u]

    def advance(u):
        augmented[:, :-1] = memory
        augmented[:, -1] = u
        np.dot(augmented, system_T, out=memory)

    return advance


def _augmented_system(Ad, Bd):
    """``[Ad, Bd]^T``, shape ``(order + 1, order)``, for ``[M, u] @ [Ad, Bd]^T``.

    Folding ``u`` into the product as an extra column measured faster in
    nengo than a product followed by a separate multiply-add (10.1 against
    11.5 us a step at order 64).
    """
    return np.ascontiguousarray(np.hstack([Ad, Bd]).T)


class SimLegendreMemory(Operator):
    """Advance a `LegendreMemory` by one step: ``m = Ad m + Bd u``.

    Parameters
    ----------
    process : LegendreMemory
        The memory being simulated.
    dt : float
        The time step that the memory is discretised for.
    input : Signal
        The memory input ``u``, shape ``(size_in,)``.
    output : Signal
        The memory ``m`` after the update, shape ``(size_in * order,)``.
    state : Signal
        The memory carried between steps, laid out as ``[M, u]`` with ``M``
        the ``(size_in, order)`` memory and ``u`` a column for the input, so
        that one product ``[M, u] @ [Ad, Bd]^T`` advances it; shape
        ``(size_in * (order + 1),)``.
    tag : str, optional
        A label for debugging.

    Notes
    -----
    1. sets ``[output]``
    2. incs ``[]``
    3. reads ``[input]``
    4. updates ``[state]``

    The state is an update (the value carried to the next step) and the output
    a set (the value of this step), so that the output at step ``t`` includes
    the input of step ``t``.
    """

    def __init__(self, process, dt, input, output, state, tag=None):
        super().__init__(tag=tag)
        self.process = process
        self.dt = dt
        self.sets = [output]
        self.incs = []
        self.reads = [input]
        self.updates = [state]

    @property
    def input(self):
        """The memory input ``u`` (a `~nengo.builder.Signal`, read)."""
        return self.reads[0]

    @property
    def output(self):
        """The memory after this step's update (a `~nengo.builder.Signal`, set)."""
        return self.sets[0]

    @property
    def state(self):
        """The ``[M, u]`` state (a `~nengo.builder.Signal`, updated)."""
        return self.updates[0]

    @property
    def order(self):
        """The process's number of coefficients per input dimension."""
        return self.process.order

    @property
    def size_in(self):
        """The process's number of input dimensions."""
        return self.process.size_in

    def discrete_system(self):
        """The dense ``(Ad, Bd)`` (for simulators that step densely).

        Returns
        -------
        Ad : (order, order) ndarray
        Bd : (order, 1) ndarray
            The process's system at the operator's ``dt``
            (`LegendreMemory.discrete_system`).
        """
        return self.process.discrete_system(self.dt)

    @property
    def _descstr(self):
        return f"{self.process}, {self.input} -> {self.output}"

    def make_step(self, signals, dt, rng):
        """The step function for nengo's simulator.

        Parameters
        ----------
        signals : nengo.builder.signal.SignalDict
            The simulator's signal values.
        dt : float
            The simulator's time step in seconds (the operator's own ``dt``
            is the one the memory is discretised for).
        rng : numpy.random.RandomState
            Unused.

        Returns
        -------
        callable
            A function of no arguments that advances every input dimension's
            memory by one step, :math:`m[t] = A_d m[t - 1] + B_d u[t]`, and
            writes it to ``output``.
        """
        u = signals[self.input]
        output = signals[self.output].reshape(self.size_in, self.order)
        augmented = signals[self.state].reshape(self.size_in, self.order + 1)
        memory = augmented[:, :-1]

        if uses_structured_step(self.process):
            advance = _memory_update(self.process, self.dt, memory)

            def step_simlegendrememory():
                advance(u)
                output[...] = memory

            return step_simlegendrememory

        # in the signals' precision (nengo.rc may make them float32): `dot`
        # writes into `output` only from operands of its own dtype
        system_T = _augmented_system(*self.discrete_system()).astype(output.dtype)
        input_column = augmented[:, -1]
        dot = np.dot

        # three array operations a step: the state holds [M, u] so that the
        # product reads it in place and writes the output directly. The views
        # are made once, and `dot` takes `out` by position: at order 64, d=1
        # this measured 1.8 us a call against 2.4 us for
        # `augmented[:, -1] = u; np.dot(..., out=output); memory[...] = output`.
        def step_simlegendrememory():
            input_column[...] = u
            dot(augmented, system_T, output)
            memory[...] = output

        return step_simlegendrememory


def _register_simulator_builders():
    """Register the operator's builders for simulators that are in use.

    NengoDL needs its own builder for `SimLegendreMemory` (and gets a faster
    dense product, `.dl_builders.MatMulDotIncBuilder`). Importing it here,
    only when ``nengo_dl`` has been imported by the user, keeps TensorFlow out
    of the core package: a NengoDL simulator always imports ``nengo_dl`` before
    it builds the model and looks up operator builders after.
    """
    if "nengo_dl" in sys.modules:
        import nengo_lmu.dl_builders  # noqa: F401, pylint: disable=import-outside-toplevel


@Builder.register(LegendreMemory)
def build_legendre_memory(model, process, sig_in=None, sig_out=None, mode="set"):
    """Build a `LegendreMemory` into a model as one `SimLegendreMemory` operator.

    Called by nengo's Node builder with the node's input and output signals.

    Parameters
    ----------
    model : nengo.builder.Model
        The model being built (its ``dt`` is the memory's time step).
    process : LegendreMemory
        The memory.
    sig_in : nengo.builder.Signal
        The node's input, shape ``(size_in,)`` (required).
    sig_out : nengo.builder.Signal, optional
        The node's output, shape ``(size_in * order,)`` (made if None).
    mode : {"set"}
        How the output is written: only ``"set"`` is supported.

    Returns
    -------
    nengo.builder.Signal
        The output signal.
    """
    if sig_in is None:
        raise ValidationError(
            "a LegendreMemory needs an input: create the Node with size_in >= 1",
            attr="size_in",
            obj=process,
        )
    if mode != "set":
        raise ValidationError(
            f"a LegendreMemory sets its output; mode={mode!r} is not supported",
            attr="mode",
            obj=process,
        )
    if sig_out is None:
        sig_out = Signal(
            shape=(process.size_in * process.order,), name=f"{process}.output"
        )
    process.check_shapes(sig_in.shape, sig_out.shape)
    process.discrete_system(model.dt, dense=False)  # refuse bad parameters early
    state = Signal(
        np.zeros(process.size_in * (process.order + 1), dtype=sig_out.dtype),
        name=f"{process}.memory",
    )
    model.sig[process]["_state_m"] = state
    _register_simulator_builders()
    model.add_op(
        SimLegendreMemory(process, model.dt, sig_in, sig_out, state, tag=str(process))
    )
    return sig_out
