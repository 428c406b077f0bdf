"""A memory probe for benchmarks: `GET /__bench/memory` answers, for the worker that took the
request, its RSS, the Python objects by type and (with BENCH_TRACEMALLOC=1) the allocations
that grew most since the worker's first probe. Only in bench.settings, and only with
BENCH_MEMORY_PROBE=1: never in production.

    ?baseline=1   remember this moment as the baseline of the diffs
    ?trim=1       then ask glibc to give free memory back (malloc_trim) and measure again:
                  what it gives back was free but kept (fragmentation), not live objects
"""

from __future__ import annotations

import ctypes
import gc
import os
import time
import tracemalloc
from collections import Counter

from django.http import JsonResponse

PATH = "/__bench/memory"
_state: dict = {}


def rss_kib(pid: int | str = "self") -> int:
    """Resident set size of a process in KiB (Linux /proc)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _types() -> Counter:
    return Counter(type(obj).__qualname__ for obj in gc.get_objects())


def _probe(request) -> JsonResponse:
    gc.collect()
    types = _types()
    snapshot = tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None
    if request.GET.get("baseline") or "types" not in _state:
        _state.update(types=types, snapshot=snapshot)
    grown_types = types - _state["types"]
    answer: dict = {
        "pid": os.getpid(),
        "rss_kib": rss_kib(),
        "gc_objects": sum(types.values()),
        "types_grown": grown_types.most_common(15),
    }
    if snapshot is not None and _state["snapshot"] is not None:
        answer["traced_kib"] = tracemalloc.get_traced_memory()[0] // 1024
        answer["allocations_grown"] = [
            {"where": str(stat.traceback), "kib": stat.size_diff // 1024, "count": stat.count_diff}
            for stat in snapshot.compare_to(_state["snapshot"], "traceback")[:15]
        ]
    if request.GET.get("trim"):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        answer["rss_after_trim_kib"] = rss_kib()
    # Held a moment, so that probes sent at once are taken by different workers (one sync
    # worker answers one request at a time; asked one after another, one worker may take all).
    time.sleep(min(float(request.GET.get("hold", 0) or 0), 1.0))
    return JsonResponse(answer)


class MemoryProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        if os.environ.get("BENCH_TRACEMALLOC") == "1" and not tracemalloc.is_tracing():
            tracemalloc.start(12)

    def __call__(self, request):
        if request.path == PATH:
            return _probe(request)
        return self.get_response(request)
