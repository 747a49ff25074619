"""Writing a file so that an interrupted write never destroys the old one.

A file is written next to its target under a hidden partial name and then
renamed onto the target in one step (``os.replace``, atomic on one file
system). Until the rename the old file is untouched; a Ctrl-C removes the
partial file, a kill leaves it behind (hidden, beside the target) and the
old file whole.
"""

from pathlib import Path


def partial_path(path):
    """Where `write_atomically` writes before the rename.

    Parameters
    ----------
    path : str or path-like
        The target.

    Returns
    -------
    pathlib.Path
        ``.<stem>.partial<suffix>`` in the target's folder (the suffix kept, so
        that writers that add one, as ``np.savez`` adds ``.npz``, add none).
    """
    path = Path(path)
    return path.with_name(f".{path.stem}.partial{path.suffix}")


def write_atomically(path, write):
    """Call ``write(partial)`` and rename the partial file onto ``path``.

    Parameters
    ----------
    path : str or path-like
        The file to create or replace.
    write : callable
        Writes the whole file to the path it is given.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    partial = partial_path(path)
    try:
        write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path
