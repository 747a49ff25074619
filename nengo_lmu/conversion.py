"""The former ``nengo_lmu.conversion``: its names, now in `nengo_lmu.cell.conversion`.

Kept for this release so that existing code runs; import from the new
place.
"""

from nengo_lmu.cell.conversion import convert_to_spiking, spiking_neuron_type

__all__ = ["convert_to_spiking", "spiking_neuron_type"]
