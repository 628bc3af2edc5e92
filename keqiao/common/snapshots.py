"""Saving and loading built in-memory structures (search indexes, the matcher) between processes.

Building them means segmenting every record's text and fitting models, minutes at 100,000 records; a
new web or Celery worker instead loads the snapshot a management command saved and catches up from
the change log. Locks inside the objects are saved as fresh, unlocked locks. The files are written by
this application into its own var directory and read only from there.
"""

import hashlib
import inspect
import io
import os
import pickle  # nosec B403  # snapshots the app wrote itself, in its own directory
import threading
from pathlib import Path

_LOCK_TYPES = {type(threading.Lock()): threading.Lock, type(threading.RLock()): threading.RLock}


class _Pickler(pickle.Pickler):
    dispatch_table = {
        lock_type: (lambda _lock, make=make: (make, ())) for lock_type, make in _LOCK_TYPES.items()
    }


def code_version(*modules) -> str:
    """A fingerprint of the modules whose classes are pickled: a snapshot written by other code is rebuilt."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(inspect.getfile(module)).read_bytes())
    return digest.hexdigest()[:16]


def save(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, path)  # readers never see a half-written file


def load(path: Path):
    with open(path, "rb") as fh:
        return pickle.load(fh)  # noqa: S301 - our own file in our own var directory (see module docstring)  # nosec B301  # snapshots the app wrote itself, in its own directory
