"""The memory's nengo builder, and its NengoDL builder when NengoDL is in use."""

import sys

import numpy as np
from nengo.builder import Builder, Signal
from nengo.exceptions import ValidationError

from nengo_lmu.memory.operator import SimLegendreMemory
from nengo_lmu.memory.process import LegendreMemory


def register_nengo_dl_builder():
    """Give NengoDL its builder for `.SimLegendreMemory`, if NengoDL is in use.

    A NengoDL simulator imports ``nengo_dl`` before it builds the model, and
    looks up operator builders only after nengo's builders (this module's
    `build_legendre_memory` among them) have run; registering here, at build
    time, keeps TensorFlow out of the core package. Only the memory's own
    operator gets a builder: NengoDL's builders of other operators are left
    as they are (`nengo_lmu.dl.fast_dot_products` is the opt-in for a faster
    dense product).
    """
    if "nengo_dl" not in sys.modules:
        return
    from nengo_dl.builder import Builder as NengoDLBuilder  # pylint: disable=import-outside-toplevel

    if SimLegendreMemory not in NengoDLBuilder.builders:
        # pylint: disable=import-outside-toplevel
        from nengo_lmu.dl.builders import SimLegendreMemoryBuilder

        NengoDLBuilder.register(SimLegendreMemory)(SimLegendreMemoryBuilder)


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
    register_nengo_dl_builder()
    model.add_op(
        SimLegendreMemory(process, model.dt, sig_in, sig_out, state, tag=str(process))
    )
    return sig_out
