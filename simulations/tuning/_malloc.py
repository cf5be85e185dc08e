"""Keep freed large arrays in the heap instead of returning them to the kernel (glibc only).

A threshold sweep allocates and frees thousands of multi-megabyte temporaries. glibc serves
each from a fresh ``mmap`` (above ``M_MMAP_THRESHOLD``) and unmaps it on free, so every
allocation page-faults its memory in again: on the sweep benchmark that was a third of the CPU
time, in the kernel. :func:`reuse_freed_memory` raises the mmap and trim thresholds (as the
``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_`` environment variables would) so freed
blocks are reused. Elsewhere (musl, macOS, Windows) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["reuse_freed_memory"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_DONE: list[bool] = []


def reuse_freed_memory(mmap_threshold: int = 64 << 20) -> bool:
    """Raise glibc's mmap threshold to ``mmap_threshold`` bytes; True when it was applied."""
    if _DONE:
        return _DONE[0]
    ok = False
    if sys.platform.startswith("linux"):
        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name) if name else None
            mallopt = getattr(libc, "mallopt", None)
            if mallopt is not None:
                ok = bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(
                    mallopt(_M_TRIM_THRESHOLD, 2 * mmap_threshold)
                )
        except OSError:
            ok = False
    _DONE.append(ok)
    return ok
