"""Applications of the library: the LMU paper's tasks, end to end.

- `nengo_lmu.apps.mnist`: MNIST, read, downloaded and checked, and the
  psMNIST permutations;
- `nengo_lmu.apps.psmnist`: the psMNIST pipeline (settings, training on
  the parallel path, evaluations with rate and spiking neurons, figure) and
  the pretrained models;
- `nengo_lmu.apps.capacity`: the paper's memory capacity task (white noise
  recalled up to T steps back) and its untrained LMU in nengo;
- `nengo_lmu.apps.mackey_glass`: the paper's chaotic time series task
  (Mackey-Glass, predicted 15 steps ahead);
- `nengo_lmu.apps.paper`: the LMU paper's pretrained psMNIST model
  evaluated in Nengo.

The library (`nengo_lmu.memory`, `nengo_lmu.neurons`, `nengo_lmu.cell`, ...)
never imports this package.
"""
