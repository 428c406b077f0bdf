"""Reads from a real PostgreSQL streaming replica, writes on the primary (core/replicas.py).

`make test` starts the replica (scripts/ensure-replica: a second Debian cluster on port 5433
made with pg_basebackup -R) and gives the PostGIS run DATABASE_REPLICA_URLS. The replica alias
is a test mirror: the test runner neither creates nor flushes it, it connects to the test
database the primary streams to it. Data must be committed to reach it, hence a transactional
test (serialized_rollback: a plain flush would lose the rows of the data migrations).
"""

import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.moderation import ModerationState
from core.replicas import PIN_COOKIE
from tests.factories import KORENMARKT, OrganisationFactory, UserFactory

# Committed data only: the replica is another server.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")

SEARCH = f"{reverse('maps-api:search')}?lat={KORENMARKT.y}&lon={KORENMARKT.x}&radius=800"
REPLAY_TIMEOUT = 30  # seconds; the replica replays in milliseconds when the machine is idle


@pytest.fixture
def replica(settings):
    """The first replica alias, turned on for this test (tests/conftest.py turns them off)."""
    aliases = [alias for alias in connections if alias.startswith("replica_")]
    if not connection.features.supports_geography:
        pytest.skip("SpatiaLite has no streaming replicas: this runs on PostGIS")
    if not aliases:
        pytest.fail(
            "The PostGIS run needs a streaming replica: scripts/ensure-replica starts one on "
            "port 5433, then set DATABASE_REPLICA_URLS=postgis://postgres@127.0.0.1:5433/"
            "buurtkaart (as `make test` does)"
        )
    settings.DATABASE_REPLICAS = aliases
    yield aliases[0]
    connections[aliases[0]].close()


def one(alias, sql, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_for_replay(replica):
    """Until the replica has replayed everything the primary has written so far."""
    lsn = one("default", "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + REPLAY_TIMEOUT
    while not one(replica, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [lsn]):
        assert time.monotonic() < deadline, f"the replica did not replay {lsn} in time"
        time.sleep(0.05)


def titles(response):
    assert response.status_code == 200
    return {feature["properties"]["title"] for feature in response.json()["features"]}


def organisation_queries(captured):
    return [q["sql"] for q in captured.captured_queries if "buurt_organisation" in q["sql"]]


@committed
def test_a_search_reads_the_replica_and_a_save_the_primary_until_it_is_replayed(replica, client):
    assert one(replica, "SELECT pg_is_in_recovery()") is True
    assert one("default", "SELECT pg_is_in_recovery()") is False
    OrganisationFactory(name="Buurthuis Het Anker")
    waiting = OrganisationFactory(
        name="Repair Café Korenmarkt", moderation_state=ModerationState.PENDING
    )
    moderator = UserFactory(is_moderator=True)
    wait_for_replay(replica)

    # An anonymous search is served by the replica alone.
    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        assert titles(client.get(SEARCH)) == {"Buurthuis Het Anker"}
    assert organisation_queries(on_replica)
    assert on_primary.captured_queries == []

    # A moderator approves the waiting listing through the page: written on the primary.
    client.force_login(moderator)
    decide = reverse("moderation:decide", args=["buurt.organisation", waiting.pk])
    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.post(decide, {"decision": "approve"})
    assert response.status_code == 302
    assert on_replica.captured_queries == []
    assert any(q.startswith("UPDATE") for q in organisation_queries(on_primary))
    assert PIN_COOKIE in response.cookies

    # The moderator's next page reads the primary: what they saved is there at once.
    with CaptureQueriesContext(connections[replica]) as on_replica:
        assert "Repair Café Korenmarkt" in titles(client.get(SEARCH))
    assert on_replica.captured_queries == []

    # Anyone else reads the replica, which has the approval once it has replayed it.
    wait_for_replay(replica)
    with CaptureQueriesContext(connections[replica]) as on_replica:
        assert titles(Client().get(SEARCH)) == {"Buurthuis Het Anker", "Repair Café Korenmarkt"}
    assert organisation_queries(on_replica)


@committed
def test_commands_and_tasks_read_the_primary_unless_they_ask(replica):
    """Outside a web request every read goes to the primary; replica_reads() opts in."""
    from buurt.models import Organisation
    from core.replicas import replica_reads

    assert Organisation.objects.all().db == "default"
    with replica_reads():
        assert Organisation.objects.all().db == replica
        OrganisationFactory()  # a write pins the rest of the block to the primary
        assert Organisation.objects.all().db == "default"


@committed
def test_migrations_are_never_run_on_a_replica(replica):
    from django.db import router

    assert router.allow_migrate(replica, "buurt") is False
    assert router.allow_migrate("default", "buurt") is True


@pytest.mark.django_db
def test_without_replicas_nothing_changes(client, settings):
    """No DATABASE_REPLICA_URLS (the SpatiaLite default): no routing, no cookie."""
    from django.db import router

    from buurt.models import Organisation

    settings.DATABASE_REPLICAS = []
    OrganisationFactory(name="Buurthuis Het Anker")
    client.force_login(UserFactory(is_moderator=True))

    response = client.get(SEARCH)

    assert titles(response) == {"Buurthuis Het Anker"}
    assert PIN_COOKIE not in response.cookies
    assert router.db_for_read(Organisation) == "default"  # the router said nothing
    assert router.db_for_write(Organisation) == "default"


def test_a_task_reads_the_primary_also_when_it_runs_inside_a_get_request(settings):
    """config.celery pins every task to the primary (task_prerun): a task run eagerly inside
    a request that reads a replica still reads what was just written. No connection is made:
    the router's answer is the queryset's alias."""
    from celery import shared_task

    from buurt.models import Organisation
    from core.replicas import replica_reads

    @shared_task(name="tests.test_replicas.where_reads")
    def where_reads():
        return Organisation.objects.all().db

    settings.DATABASE_REPLICAS = ["replica_1"]
    with replica_reads():  # what ReplicaPinMiddleware opens for a GET request
        assert Organisation.objects.all().db == "replica_1"
        assert where_reads.apply().get() == "default"


@pytest.mark.django_db
def test_a_request_that_ran_a_task_and_then_wrote_still_pins_the_browser(settings, rf):
    """The task's pin keeps the request's state: the request's later write sets the cookie
    (the pin once replaced it, and the write went unnoticed). No connection to a replica is
    made: after the task every read of the request is on the primary."""
    from celery import shared_task
    from django.http import HttpResponse

    from buurt.models import Organisation
    from core.replicas import ReplicaPinMiddleware

    @shared_task(name="tests.test_replicas.nothing")
    def nothing():
        return None

    def view(request):
        nothing.apply()  # a task run eagerly
        assert Organisation.objects.all().db == "default"
        OrganisationFactory()
        return HttpResponse()

    settings.DATABASE_REPLICAS = ["replica_1"]
    response = ReplicaPinMiddleware(view)(rf.get("/"))
    assert PIN_COOKIE in response.cookies
