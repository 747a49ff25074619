"""``.nir`` files: NIR's HDF5 format, read with clear errors.

`write` and `read` wrap ``nir.write`` and ``nir.read``. NIR files are
HDF5: reading them runs no stored code. A missing file, a file that is not
HDF5 or not an NIR graph is refused with a message that names the file.
"""

from pathlib import Path

from nengo.exceptions import ValidationError

from nengo_lmu.io.atomic import write_atomically


def write(path, graph):
    """Write ``graph`` to ``path`` (``.nir``, NIR's HDF5 format).

    The file is written next to its final name and then renamed, so that an
    interrupted write leaves any earlier file whole.

    Parameters
    ----------
    path : str or path-like
    graph : nir.NIRGraph
    """
    import nir  # pylint: disable=import-outside-toplevel

    if not isinstance(graph, nir.NIRGraph):
        raise ValidationError(
            f"must be a nir.NIRGraph, got {type(graph).__name__}", attr="graph"
        )
    write_atomically(path, lambda partial: nir.write(partial, graph))


def read(path):
    """The NIR graph in ``path``.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    nir.NIRGraph
    """
    import h5py  # pylint: disable=import-outside-toplevel
    import nir  # pylint: disable=import-outside-toplevel

    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            f"{path}: no such file (write one with nengo_lmu.nir.write)",
            attr="path",
        )
    if not h5py.is_hdf5(path):
        raise ValidationError(f"{path}: not an HDF5 file, so not NIR", attr="path")
    try:
        graph = nir.read(path)
    except (KeyError, ValueError, TypeError, AssertionError, OSError) as error:
        raise ValidationError(
            f"{path}: not a readable NIR graph ({type(error).__name__}: {error})",
            attr="path",
        ) from None
    if not isinstance(graph, nir.NIRGraph):
        raise ValidationError(
            f"{path}: holds a {type(graph).__name__}, not an NIR graph", attr="path"
        )
    return graph
