"""/healthz: is the database reachable, and the broker (when one is configured)?"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        connection.close()  # do not keep a broken connection for the next request
        return "unreachable"
    return "ok"


def broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"  # no broker: tasks run in-process
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # kombu raises transport-specific errors
        return "unreachable"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers; 503 when it does not. A broker outage is reported but
    is not fatal: saving never depends on it (tasks are queued on commit and retried)."""
    state = {"database": database_state(), "broker": broker_state()}
    status = 200 if state["database"] == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", **state}, status=status)
