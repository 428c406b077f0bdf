"""glibc's malloc in a long-lived web worker: give large freed buffers back to the system.

glibc serves an allocation of 128 KiB or more with its own mmap, and gives it back on free;
but each time such a block is freed it raises that threshold to the block's size (up to
32 MiB). After one big answer (the home page carrying every listing: ~12 MB of HTML, its
gzip, its ETag, the rows behind it) every later buffer below that size comes from the heap
instead, and a heap shrinks only from its top: a worker that served one such page once kept
~130 MB more, for good (bench/README.md, "Soak"). Fixing the threshold keeps large buffers
mmapped, so they leave with the request. Python's own small objects are not concerned
(pymalloc keeps them in arenas of its own).
"""

from __future__ import annotations

import ctypes
import ctypes.util

# mallopt(3) parameters
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

MMAP_THRESHOLD = 128 * 1024  # glibc's initial value, kept instead of raised
TRIM_THRESHOLD = 128 * 1024
ARENA_MAX = 2  # a web worker runs one request at a time; threads need no arena each


def malloc_tune() -> bool:
    """Fixes glibc's mmap and trim thresholds and its number of arenas in this process.
    False where the C library is not glibc (nothing changed)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return all(
        mallopt(parameter, value) == 1
        for parameter, value in (
            (M_MMAP_THRESHOLD, MMAP_THRESHOLD),
            (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
            (M_ARENA_MAX, ARENA_MAX),
        )
    )
