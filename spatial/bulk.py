"""Bulk upserts of rows with an EPSG:4326 point, each backend its fastest way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .queries import point_from_columns_sql, point_from_lonlat_sql


class PointUpsert:
    """Insert or update rows of `table`, each with a point from (lon, lat) in degrees (EPSG:4326,
    WGS 84) in `point_column`, keyed by the unique column `key` (first of `columns`).

    Call add() per batch, discard() for keys that must not be written, finish() once; all
    within one transaction. A key given twice keeps its last row on both backends.
    On PostgreSQL the batches are COPYed into a temporary staging table (shaped like `table`)
    and merged with one INSERT ... ON CONFLICT at finish(): far faster for millions of rows.
    When `table` is empty at finish() (a first load), its indexes other than the primary key
    and the unique ones are dropped before the merge and built again after it, in the same
    transaction: building a GiST or b-tree index once over ten million rows takes a fraction
    of keeping it up to date row by row.
    Elsewhere each batch is upserted at once with executemany. `table` and the column names
    are trusted SQL identifiers.
    """

    def __init__(self, connection, table: str, columns: Sequence[str], *, point_column="point"):
        self.connection = connection
        self.table = table
        self.columns = list(columns)
        self.point_column = point_column
        self.staging = f"{table}_staging" if connection.vendor == "postgresql" else None
        self.staged = 0
        if self.staging:
            listed = ", ".join(self.columns)
            with connection.cursor() as cursor:
                # The rows' order (seq) picks the last of a key given twice.
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.staging} ON COMMIT DROP AS"
                    f" SELECT 0 AS seq, {listed}, 0.0::float8 AS lon, 0.0::float8 AS lat"
                    f" FROM {table} WITH NO DATA"
                )

    def add(self, rows: Sequence[tuple]) -> None:
        """Write rows of (*columns, lon, lat); lon and lat in degrees (EPSG:4326)."""
        if self.staging:
            listed = ", ".join(self.columns)
            with (
                self.connection.cursor() as cursor,
                cursor.copy(f"COPY {self.staging} (seq, {listed}, lon, lat) FROM STDIN") as copy,
            ):
                for row in rows:
                    self.staged += 1
                    copy.write_row((self.staged, *row))
            return
        key, *rest = self.columns
        updates = ", ".join(f"{c} = excluded.{c}" for c in [*rest, self.point_column])
        values = ", ".join(["%s"] * len(self.columns))
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} ({', '.join(self.columns)}, {self.point_column})"
                f" VALUES ({values}, {point_from_lonlat_sql(self.connection)})"
                f" ON CONFLICT ({key}) DO UPDATE SET {updates}",
                rows,
            )

    def discard(self, keys: Iterable) -> None:
        """Forget rows added with these keys and not yet written (the table is the caller's)."""
        keys = list(keys)
        if self.staging and self.staged and keys:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {self.staging} WHERE {self.columns[0]} = ANY(%s)", [keys]
                )

    def finish(self) -> None:
        """Write what is staged (PostgreSQL); drop the staging table."""
        if not self.staging:
            return
        key, *rest = self.columns
        listed = ", ".join(self.columns)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*rest, self.point_column])
        point = point_from_columns_sql(self.connection, "lon", "lat")
        with self.connection.cursor() as cursor:
            if self.staged:
                rebuild = self._drop_indexes_if_empty(cursor)
                # ON CONFLICT may not touch one row twice: DISTINCT ON keeps a key's last row.
                cursor.execute(
                    f"INSERT INTO {self.table} ({listed}, {self.point_column})"
                    f" SELECT DISTINCT ON ({key}) {listed}, {point}"
                    f" FROM {self.staging} ORDER BY {key}, seq DESC"
                    f" ON CONFLICT ({key}) DO UPDATE SET {updates}"
                )
                if rebuild:
                    self._build_indexes(cursor, rebuild)
                    # Statistics for the planner right away (autovacuum comes later).
                    cursor.execute(f"ANALYZE {self.table}")
            # ON COMMIT DROP alone would keep it for a second load in the same transaction.
            cursor.execute(f"DROP TABLE {self.staging}")

    def _build_indexes(self, cursor, definitions: list[str]) -> None:
        # CREATE INDEX refuses a table with foreign-key checks still waiting for the commit
        # (Django makes them deferred): run this table's checks now, defer them again after.
        cursor.execute(
            "SELECT quote_ident(conname) FROM pg_constraint WHERE conrelid = %s::regclass"
            " AND contype = 'f' AND condeferred",
            [self.table],
        )
        deferred = ", ".join(name for (name,) in cursor.fetchall())
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
        # For this transaction only; the server's default (64 MB) would make the GiST build
        # spill to disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")

    def _drop_indexes_if_empty(self, cursor) -> list[str]:
        """On an empty table, drop the indexes that no constraint needs; return the
        statements that build them again."""
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {self.table})")
        if cursor.fetchone()[0]:
            return []
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT indisunique"
            " AND indexrelid NOT IN (SELECT conindid FROM pg_constraint)"
            " ORDER BY indexrelid",
            [self.table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        return [definition for _name, definition in indexes]
