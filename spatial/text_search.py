"""Typo-tolerant text lookups, which each backend serves with a different index. No units or
SRIDs here: the difference hidden is PostgreSQL's pg_trgm against SQLite's plain LIKE."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.postgres.lookups import TrigramSimilar
from django.db import connections
from django.db.models import F, Func, Model, Q, QuerySet, Value


def similar_text_candidates(
    queryset: QuerySet,
    fields: Sequence[str],
    text: str,
    *,
    fragments: Sequence[str],
    per_field: int,
    max_rows: int,
) -> list[Model]:
    """Rows of `queryset` whose text `fields` may lie within a few typos of `text`: a superset
    the caller narrows by checking the edit distance itself, so both backends accept the same.

    On PostgreSQL, the `per_field` rows most similar to `text` in each field by pg_trgm's `%`
    operator (served by a GIN trigram index on the field). Elsewhere, at most `max_rows` rows
    whose fields contain one of `fragments` (pieces of which any string within the allowed
    typos keeps one, see buurt.geocoding.normalise.fuzzy_fragments); none without fragments.
    """
    if connections[queryset.db].vendor == "postgresql":
        found: dict[object, Model] = {}
        for field in fields:
            similarity = Func(F(field), Value(text), function="similarity")
            ranked = (
                queryset.filter(TrigramSimilar(F(field), Value(text)))
                .annotate(similarity=similarity)
                .order_by("-similarity")
            )
            for row in ranked[:per_field]:
                found[row.pk] = row
        return list(found.values())
    if not fragments:
        return []
    condition = Q()
    for fragment in fragments:
        for field in fields:
            condition |= Q(**{f"{field}__contains": fragment})
    return list(queryset.filter(condition)[:max_rows])
