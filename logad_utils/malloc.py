"""Giving the memory a step has freed back to the system (glibc's ``malloc_trim``)."""
from __future__ import annotations

import ctypes
import sys

__all__ = ["release_free_memory"]


def release_free_memory() -> bool:
    """Hand the free pages of glibc's heap back to the system; True when done.

    glibc serves arrays of up to 32 MiB from its heap once larger blocks have
    been freed, and the heap only shrinks from its top: after reading 10M lines
    a few hundred MB lie free behind blocks still in use, and count in the
    process's memory until trimmed. Costs a walk of the heap, so it is called
    between steps, not in loops. Does nothing outside Linux or without glibc.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True
