"""Turning the errors of a missing or damaged file into one clear refusal.

A truncated zip, a broken HDF5 file or a configuration that is not JSON
surface from zipfile, h5py and json as ``BadZipFile``, ``OSError`` or
``JSONDecodeError`` with no file name. `readable_file` checks that a file
is there before a reader opens it; `refusing_damage` wraps a reader so
that those errors become a ``ValidationError`` that names the file and
what is wrong with it.
"""

import contextlib
import json
import zipfile
from pathlib import Path

from nengo.exceptions import ValidationError


def readable_file(path, what, how_to_get=""):
    """``path`` as a Path, if it is a file; otherwise a refusal that says so.

    Parameters
    ----------
    path : str or path-like
        The file.
    what : str
        What the file should be (``"a Keras model file"``).
    how_to_get : str
        Appended to the message of a missing file.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    if not path.exists():
        raise ValidationError(
            f"there is no file {path} ({what} was expected there). {how_to_get}".strip(),
            attr="path",
        )
    if path.is_dir():
        raise ValidationError(f"{path} is a folder, not {what}", attr="path")
    return path


@contextlib.contextmanager
def refusing_damage(path, what):
    """Refuse, naming ``path``, what zipfile, h5py and json raise for a damaged file.

    Parameters
    ----------
    path : str or path-like
        The file being read.
    what : str
        What it should be.

    Yields
    ------
    None
    """
    try:
        yield
    except (
        zipfile.BadZipFile,
        json.JSONDecodeError,
        OSError,
        EOFError,
        KeyError,
    ) as error:
        raise ValidationError(
            f"{path} is damaged or is not {what} (an incomplete copy or a broken "
            f"download?): {type(error).__name__}: {error}",
            attr="path",
        ) from None
