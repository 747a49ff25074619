"""Turning the errors of a missing or damaged file into one clear refusal.

A truncated zip, a broken HDF5 file or a configuration that is not JSON
surface from zipfile, h5py and json as ``BadZipFile``, ``OSError`` or
``JSONDecodeError`` with no file name. `readable_file` checks that a file
is there before a reader opens it; `refusing_damage` wraps a reader so
that those errors become a ``ValidationError`` that names the file and
what is wrong with it; `naming_file` does the same for what a model's
constructor refuses in a file's contents.
"""

import contextlib
import json
import os
import zipfile
from pathlib import Path

from nengo.exceptions import ValidationError


def as_path(path, attr="path"):
    """``path`` as a Path, if it is a str or path-like (None and numbers are
    refused by name, instead of os's "expected str, bytes or os.PathLike").

    Parameters
    ----------
    path : object
        The value given for a file's path.
    attr : str
        The argument's name in the error.

    Returns
    -------
    pathlib.Path
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ValidationError(
            f"must be a file's path (a str or path-like), got {path!r}", attr=attr
        )
    return Path(path)


@contextlib.contextmanager
def naming_file(path):
    """Refuse, naming ``path``, what building a model from the file's contents
    refuses.

    A file's structure and weights reach the model's constructor, which
    names the bad setting (``LMUCell.order``) but not where it came from;
    inside this context its refusal is raised again with the file's name in
    front. A ``TypeError`` or ``ValueError`` there means that the file
    describes something the constructor cannot take (an unknown option, a
    string for a number) and is refused the same way.

    Parameters
    ----------
    path : str or path-like
        The file the model is built from.

    Yields
    ------
    None
    """
    try:
        yield
    except ValidationError as error:
        if str(path) in str(error):
            raise
        raise ValidationError(
            f"{path} does not describe a model that can be built: {error}",
            attr="path",
        ) from error
    except (TypeError, ValueError) as error:
        raise ValidationError(
            f"{path} does not describe a model that can be built: "
            f"{type(error).__name__}: {error}",
            attr="path",
        ) from error


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
    path = as_path(path)
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

    A ``TypeError`` or ``ValueError`` while reading (a string where the
    configuration has a number) is refused the same way.

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
    except ValidationError:
        raise  # already a refusal that says what is wrong (a ValueError too)
    except (
        TypeError,
        ValueError,
        zipfile.BadZipFile,
        json.JSONDecodeError,
        UnicodeDecodeError,
        OSError,
        EOFError,
        KeyError,
    ) as error:
        raise ValidationError(
            f"{path} is damaged or is not {what} (an incomplete copy or a broken "
            f"download?): {type(error).__name__}: {error}",
            attr="path",
        ) from None
