"""Reads from PostgreSQL streaming replicas, writes and read-after-write on the primary.

`DATABASE_REPLICA_URLS` (settings) adds the aliases `replica_1..n` and lists them in
`settings.DATABASE_REPLICAS`; with none, `ReplicaRouter` answers None everywhere and Django
behaves as without it. With replicas:

- Only a web request that is allowed to reads from a replica: `ReplicaPinMiddleware` opens that
  door for GET/HEAD/OPTIONS requests. Everything else reads the primary: POST/PUT/PATCH/DELETE
  requests, Celery tasks (`config.celery` pins every task), management commands and the shell,
  and code inside `transaction.atomic()` on the primary. A command or task that wants a
  replica for a long read says so: `with replica_reads(): ...`.
- The first write of a request pins the rest of it to the primary (read-after-write), and the
  response sets a cookie that pins the same browser's requests for `REPLICA_PIN_SECONDS`: the
  page a saver is redirected to, or opens next, shows what they saved even if the replicas lag.
  A cookie and not the session: the session is itself read from the database, and anonymous
  writers (a report, a registration) have none. The cookie says nothing but "until".
- Sessions are always read from the primary: a logout or a password change that a replica has
  not replayed yet must not let the old session in.
- Migrations run on the primary only; a replica is a copy of it.

Replica lag: someone else's new listing may appear in a search a moment (usually well under a
second) after it was saved.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

PIN_COOKIE = "primary_pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALWAYS_PRIMARY_APPS = frozenset({"sessions"})


@dataclass
class _Reads:
    """Where this context reads: `replica` (one alias, the same for the whole request, so that
    a page does not mix two replicas' states) or None for the primary; `wrote` once it wrote."""

    replica: str | None
    wrote: bool = False


# No value (outside a request, in a task or a command): reads go to the primary.
_reads: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar("reads", default=None)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads in this block go to a replica (until a write pins them to the primary).
    Without replicas configured it changes nothing."""
    replicas = replica_aliases()
    token = _reads.set(_Reads(replica=random.choice(replicas) if replicas else None))
    try:
        yield
    finally:
        _reads.reset(token)


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    """Read the primary in this block, whatever the caller allowed."""
    token = _reads.set(_Reads(replica=None))
    try:
        yield
    finally:
        _reads.reset(token)


def pin_to_primary() -> None:
    """The rest of this context reads the primary (a Celery task starts: config.celery). In a
    request (a task run eagerly inside a GET) the request's state is kept, so that its later
    writes still pin the browser."""
    reads = _reads.get()
    if reads is not None:
        reads.replica = None


class ReplicaRouter:
    """DATABASE_ROUTERS entry: see the module's docstring."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not replica_aliases():
            return None
        reads = _reads.get()
        if (
            reads is None
            or reads.replica is None
            or model._meta.app_label in ALWAYS_PRIMARY_APPS
            # A transaction on the primary sees its own writes; a replica would not.
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return reads.replica

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        if not replica_aliases():
            return None
        reads = _reads.get()
        if reads is not None:
            reads.replica = None  # read-after-write: the rest of the request reads the primary
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        same = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in same and obj2._state.db in same:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db in replica_aliases() or db.startswith("replica_") else None


class ReplicaPinMiddleware:
    """Let a safe request read from a replica unless its browser wrote a moment ago; pin the
    browser after a write (see the module's docstring). Outer to SessionMiddleware, so that a
    session saved at the end of a request counts as a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replicas = replica_aliases()
        if not replicas:
            return self.get_response(request)
        may_use_replica = request.method in SAFE_METHODS and not _pin_cookie_valid(request)
        reads = _Reads(replica=random.choice(replicas) if may_use_replica else None)
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if reads.wrote:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time() + seconds)),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _pin_cookie_valid(request) -> bool:
    try:
        until = int(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return False
    return until > time.time()
