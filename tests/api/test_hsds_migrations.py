"""The migrations that add the HSDS identifiers give every existing row ids of its own,
stored (buurt 0008-0010, activities 0005-0007): rows made before them, then migrated."""

import datetime
import itertools

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from activities.models import Activity
from buurt.models import Organisation

BEFORE = [
    ("buurt", "0007_organisation_enterprise_number"),
    ("activities", "0004_first_date_on_rule"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_rows_get_ids_of_their_own():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    organisations = [
        old.get_model("buurt", "Organisation").objects.create(
            name=f"Vereniging {n}", slug=f"vereniging-{n}", kind="culture", status="published"
        )
        for n in range(3)
    ]
    start = datetime.datetime(2026, 12, 15, 18, 30, tzinfo=datetime.UTC)
    for organisation in organisations:
        old.get_model("activities", "Activity").objects.create(
            organisation_id=organisation.pk,
            title="Breicafé",
            category="culture",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    # What `migrate` does next: post_migrate, whose receivers repair SpatiaLite's spatial
    # indexes that the table remakes disabled (maps.apps). Without it the R*Trees stay empty for
    # every later test in the run, and searches on SpatiaLite find nothing.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

    rows = list(
        Organisation.objects.values_list(
            "uuid", "service_uuid", "location_uuid", "service_at_location_uuid"
        )
    ) + list(Activity.objects.values_list(*Activity.IDENTIFIER_FIELDS))
    ids = list(itertools.chain.from_iterable(rows))
    assert len(ids) == 3 * 4 + 3 * 3
    assert None not in ids
    assert len(set(ids)) == len(ids)
