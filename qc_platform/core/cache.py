"""A short cache for costly answers that are the same for whoever asks.

Flask-Caching (Pallets Community Ecosystem, maintained) rather than a helper of our own: it
is configured from ``app.config`` like our other extensions and has both stores we need —
Redis (``QC_REDIS_URL``), shared by every server process, so N processes compute an answer
once per period and not N times; and, without Redis, each process's memory, bounded
(``CACHE_THRESHOLD`` entries, so varying the parameters cannot grow it without end). The
settings are in ``config.py``; the ``cache`` object is in ``extensions.py``.

Only what does not depend on the person asking may be cached here: the key is the
normalised parameters and nothing else. A cache that fails (Redis away) costs speed, never
an answer: the value is then computed as if nothing were cached, and a warning logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from qc_platform.extensions import cache

log = logging.getLogger(__name__)

T = TypeVar("T")


def remembered(key: str, seconds: int, compute: Callable[[], T]) -> T:
    """``compute()``'s value, kept ``seconds`` under ``key`` (0 or less: not cached).

    ``compute`` raising (a 4xx for bad parameters) caches nothing. ``None`` is never cached:
    the store cannot tell it from a miss.
    """
    if seconds <= 0:
        return compute()
    try:
        value = cache.get(key)
    except Exception as error:  # Redis away or not answering
        log.warning("cache unavailable, computing %s: %s", key, error)
        return compute()
    if value is not None:
        return value
    value = compute()
    try:
        cache.set(key, value, timeout=seconds)
    except Exception as error:
        log.warning("cache unavailable, %s not kept: %s", key, error)
    return value
