"""The shifted Legendre polynomials of an order-12 memory, drawn for the docs.

Each curve is one row of the readout: the weight that coefficient k gets when
the input is decoded r * theta ago. Drawn from `nengo_lmu.legendre_readout`,
so the figure shows what the package computes.
"""

import matplotlib.pyplot as plt
import numpy as np

import nengo_lmu

ORDER = 12
r = np.linspace(0, 1, 401)
P = nengo_lmu.legendre_readout(ORDER, r)  # (len(r), ORDER): P_k(2r - 1)

fig, axes = plt.subplots(3, 4, figsize=(9, 5.4), sharex=True, sharey=True)
for k, ax in enumerate(axes.flat):
    ax.axhline(0, color="0.8", lw=0.8)
    ax.plot(r, P[:, k], color=plt.cm.viridis(k / (ORDER - 1)), lw=1.8)
    ax.set_title(f"$k = {k}$", fontsize="medium")
    ax.set_xlim(0, 1)
    ax.set_ylim(-1.1, 1.1)
    ax.set_xticks([0, 0.5, 1])
    ax.set_yticks([-1, 0, 1])
for ax in axes[-1]:
    ax.set_xlabel(r"delay $r$ (fraction of $\theta$)")
for ax in axes[:, 0]:
    ax.set_ylabel(r"$\tilde{P}_k(r)$")
fig.suptitle(f"Shifted Legendre polynomials, order {ORDER}")
