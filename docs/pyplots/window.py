"""What an order-12 memory holds: the last theta seconds of its input.

Runs a band-limited signal through the exact discrete memory (closed form,
`nengo_lmu.memory_trajectory`), then decodes the whole window from the
memory at one moment with `nengo_lmu.legendre_readout`.
"""

import matplotlib.pyplot as plt
import nengo
import numpy as np

import nengo_lmu

ORDER, THETA, DT = 12, 1.0, 0.001
t = np.arange(int(3.0 / DT)) * DT
u = nengo.processes.WhiteSignal(3.0, high=2, rms=0.4, seed=3).run(3.0, dt=DT)[:, 0]

Ad, Bd = nengo_lmu.discretize(*nengo_lmu.lmu_system(ORDER, THETA), DT)
now = len(t) - 1
m = nengo_lmu.memory_trajectory(u, Ad, Bd, steps=[now])[0]  # (ORDER,)

r = np.linspace(0, 1, 201)
window = nengo_lmu.legendre_readout(ORDER, r) @ m

fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(9, 2.8), width_ratios=(2, 1))
ax0.plot(t, u, color="k", lw=1.2, label="input $u$")
ax0.plot(
    t[now] - r * THETA,
    window,
    color="tab:orange",
    lw=2.2,
    ls="--",
    label="decoded from $m$ at $t = 3$ s",
)
ax0.axvspan(t[now] - THETA, t[now], color="tab:orange", alpha=0.1)
ax0.set_xlabel("time [s]")
ax0.legend(loc="lower left", fontsize="small")
ax0.set_title(r"the window $[t - \theta, t]$ from 12 numbers")
ax1.bar(np.arange(ORDER), m, color=plt.cm.viridis(np.linspace(0, 1, ORDER)))
ax1.set_xlabel("coefficient $k$")
ax1.set_title("the memory $m$ at $t = 3$ s")
