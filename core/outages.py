"""What the site does while a server it depends on is away: stop asking it for a while.

A web request must not wait on a dead broker, cache or mail server again and again: after a
failure, the caller skips that server for settings.OUTAGE_BACKOFF seconds (30 by default) and
degrades instead (a task stays recorded in the database, a rate limit counts in the process's
memory, an e-mail waits in its outbox or is logged). Per process, no shared state: the point
is that a request does not pay a timeout, and each process finds out for itself that the
server is back.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)


class CircuitBreaker:
    """Open (skip the server) for OUTAGE_BACKOFF seconds after trip(); then the next caller
    tries again, and trips it again if the server is still away."""

    def __init__(self, name: str):
        self.name = name
        self._open_until = 0.0

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        seconds = settings.OUTAGE_BACKOFF
        if not self.is_open:
            logger.warning("%s unavailable: not tried again for %s s", self.name, seconds)
        self._open_until = time.monotonic() + seconds

    def reset(self) -> None:
        self._open_until = 0.0
