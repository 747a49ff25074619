"""Run an NIR graph in Norse, an NIR consumer independent of nengo-lmu.

Runs in its own environment (``.venv-nir``, ``make nir-consumer``: PyTorch
and TensorFlow 2.12 cannot share one)::

    .venv-nir/bin/python tools/nir_consumer.py graph.nir inputs.npy outputs.npy --dt 0.001

``inputs.npy`` holds ``(batch, steps, features)``; ``outputs.npy`` gets the
graph's output at every step, ``(batch, steps, size)``. The wiring is
nirtorch's (``nirtorch.nir_to_torch``, which runs cycles with last step's
values) and the dynamics are Norse's, all advanced by forward Euler with
step ``dt``:

- ``Linear``, ``Affine``, ``LIF``: Norse's own NIR importer
  (``norse.torch.utils.import_nir``), with the input weighted by ``r``, which
  it ignores;
- ``CubaLIF``: Norse's ``LIBoxCell`` for the synapse and ``LIFBoxCell`` for
  the neuron, as NIR defines it (Norse's importer gives the synapse the
  neuron's ``v_leak``, which counts the leak twice);
- ``LI``: Norse's ``LIBoxCell`` (Norse's importer has no ``LI``), the input
  weighted by ``r``;
- ``IF``: Norse's ``IAFCell``, whose step adds its input to the voltage, so
  the input is weighted by ``r * dt`` (:math:`\\dot v = r I`); Norse's own
  importer passes it unweighted.

NIR's spikes are unit impulses; Norse's neurons emit 1 in the step of a
spike, so their outputs are divided by ``dt`` here. Neither Norse's ``LIF``
nor ``IF`` has a refractory period, and both reset to ``v_reset``.
"""

import argparse
import logging
import sys
import time
import warnings

import nir
import nirtorch
import numpy as np
import torch
from norse.torch.functional.iaf import IAFParameters
from norse.torch.module.iaf import IAFCell
from norse.torch.module.leaky_integrator_box import LIBoxCell, LIBoxParameters
from norse.torch.module.lif_box import LIFBoxCell, LIFBoxParameters
from norse.torch.utils.import_nir import _import_norse_module

warnings.simplefilter("ignore", DeprecationWarning)
logging.getLogger("norse").setLevel(logging.ERROR)


def _tensor(values):
    return torch.as_tensor(np.asarray(values, dtype=np.float32))


class Weighted(torch.nn.Module):
    """A Norse cell whose input is weighted elementwise and whose spikes
    become impulses of unit area (``spikes``)."""

    def __init__(self, cell, weight, dt, spikes):
        super().__init__()
        self.cell = cell
        self.register_buffer("weight", _tensor(weight))
        self.scale = 1.0 / dt if spikes else 1.0

    def forward(self, x, state=None):  # nirtorch passes `state` by this name
        out, state = self.cell(self.weight * x, state)
        return out * self.scale, state


class SynapseThenNeuron(torch.nn.Module):
    """NIR's ``CubaLIF``: a synapse current, weighted by ``r``, into a neuron."""

    def __init__(self, synapse, r, neuron):
        super().__init__()
        self.synapse, self.neuron = synapse, neuron
        self.register_buffer("r", _tensor(r))

    def forward(self, x, state=None):
        synapse_state, neuron_state = (None, None) if state is None else state
        current, synapse_state = self.synapse(x, synapse_state)
        spikes, neuron_state = self.neuron(self.r * current, neuron_state)
        return spikes, (synapse_state, neuron_state)


def node_map(dt):
    """nirtorch's map from NIR node types to modules, for steps of ``dt``."""

    def norse(node):
        return _import_norse_module(node, ignore_warnings=True, dt=dt)

    def lif(node):
        # Norse's importer ignores r: weight the input by it here
        return Weighted(norse(node), node.r, dt, spikes=True)

    def cuba_lif(node):
        synapse = LIBoxCell(
            LIBoxParameters(tau_mem_inv=1 / _tensor(node.tau_syn)), dt=dt
        )
        neuron = LIFBoxCell(
            LIFBoxParameters(
                tau_mem_inv=1 / _tensor(node.tau_mem),
                v_leak=_tensor(node.v_leak),
                v_th=_tensor(node.v_threshold),
                v_reset=_tensor(node.v_reset),
            ),
            dt=dt,
        )
        return Weighted(
            SynapseThenNeuron(synapse, node.r, neuron), node.w_in, dt, spikes=True
        )

    def integrate_and_fire(node):
        cell = IAFCell(
            IAFParameters(
                v_th=_tensor(node.v_threshold), v_reset=_tensor(node.v_reset)
            ),
            dt=dt,
        )
        return Weighted(cell, np.asarray(node.r) * dt, dt, spikes=True)

    def leaky_integrator(node):
        cell = LIBoxCell(
            LIBoxParameters(
                tau_mem_inv=1 / _tensor(node.tau), v_leak=_tensor(node.v_leak)
            ),
            dt=dt,
        )
        return Weighted(cell, node.r, dt, spikes=False)

    return {
        nir.Linear: norse,
        nir.Affine: norse,
        nir.LIF: lif,
        nir.CubaLIF: cuba_lif,
        nir.IF: integrate_and_fire,
        nir.LI: leaky_integrator,
    }


def run(graph, inputs, dt):
    """The graph's output at each step for ``inputs`` ``(batch, steps, features)``."""
    net = nirtorch.nir_to_torch(graph, node_map(dt))
    x = torch.as_tensor(np.asarray(inputs, dtype=np.float32))
    state, outputs = None, []
    with torch.no_grad():
        for k in range(x.shape[1]):
            y, state = net(x[:, k], state)
            outputs.append(y.numpy().astype(np.float64))
    return np.stack(outputs, axis=1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph")
    parser.add_argument("inputs")
    parser.add_argument("outputs")
    parser.add_argument("--dt", type=float, default=0.001)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    outputs = run(nir.read(args.graph), np.load(args.inputs), args.dt)
    np.save(args.outputs, outputs)
    print(
        f"{outputs.shape[1]} steps in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
