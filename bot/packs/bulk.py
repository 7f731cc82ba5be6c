"""Build a large, long-lived object graph (a pack and its index) without garbage-collector pauses.

A 100,000-item pack is millions of objects. While they are built, CPython's cyclic collector
keeps running full passes over all of them: it made loading three times slower, and each pass
holds the interpreter lock for up to two seconds, so even a load in a worker thread stalled the
event loop (and Discord heartbeats) that long. A pack and its index hold no reference cycles that
need collecting, and they live until the next reload, so the collector is paused while they are
built and the result is frozen (`gc.freeze`): later passes skip it instead of walking it again.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["build_long_lived"]

P = ParamSpec("P")
T = TypeVar("T")

_lock = threading.Lock()
"""One bulk build at a time: the collector switch is process-wide."""


def build_long_lived(build: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`build(*args, **kwargs)` with the cyclic collector paused, its survivors frozen after.

    Objects freed by reference counting (the YAML nodes, a failed load's partial results) are
    freed as usual; only cyclic garbage made during the build is kept, which a load makes little
    of.
    """
    with _lock:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            gc.freeze()
            if was_enabled:
                gc.enable()
