"""Database expressions that Django 5.2 has for one backend only, for PostGIS and SpatiaLite."""

from __future__ import annotations

from django.db.models import Aggregate, OuterRef, Subquery, TextField, Value

# Between joined texts: a control character that no name or label holds.
SEPARATOR = "\x1f"


class JoinedText(Aggregate):
    """The texts of a group in one string, joined by SEPARATOR: `string_agg` on PostgreSQL,
    `group_concat` on SQLite (Django 6 has StringAgg for every backend). In no order."""

    function = "STRING_AGG"
    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(SEPARATOR), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def joined_names(links, owner: str, name: str) -> Subquery:
    """A subquery for an annotation: the `name`s of the rows of `links` (a many-to-many link
    table's queryset) whose `owner` is the outer row, joined; NULL when there are none.

    One column in the outer query rather than a prefetch: a search page reads its 25 rows'
    languages in the same query, without a second one and Django's prefetch machinery."""
    group = links.filter(**{owner: OuterRef("pk")}).order_by().values(owner)
    return Subquery(group.annotate(joined=JoinedText(name)).values("joined"))


def split_names(joined: str | None) -> tuple[str, ...]:
    """What joined_names() gave, as a tuple sorted alphabetically (case-insensitively)."""
    return tuple(sorted(joined.split(SEPARATOR), key=str.casefold)) if joined else ()
