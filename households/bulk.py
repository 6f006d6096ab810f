"""Bulk statements for derived and seeded data: many rows in few statements, on PostgreSQL and SQLite alike."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def chunks(items: Iterable[T], size: int = 900) -> Iterator[list[T]]:
    """`items` in lists of at most `size` (900 keeps an `IN (…)` under SQLite's 999 parameters)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[tuple], *, copy: bool = False) -> None:
    """Insert many rows with one statement per 2,000 rows (PostgreSQL; `copy`: through COPY, for plain values —
    numbers, booleans, dates, text) or a prepared statement run many times (SQLite): the ORM's bulk_create is held to
    999 parameters a statement on SQLite, too slow for a district."""
    if not rows:
        return
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and copy:
            import io

            buf = io.StringIO()
            for row in rows:
                buf.write("\t".join(_copy_value(v) for v in row))
                buf.write("\n")
            buf.seek(0)
            cur.cursor.copy_expert(f"COPY {table} ({cols}) FROM STDIN", buf)
        elif connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(cur.cursor, f"INSERT INTO {table} ({cols}) VALUES %s", rows, page_size=2000)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


def insert_objects(model, objs: Sequence) -> None:
    """Insert unsaved model objects through `insert_rows` (their ids are not read back): each concrete field but
    the automatic key, prepared as the ORM would (`auto_now_add` dates, defaults, JSON)."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
    rows = [tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields) for obj in objs]
    insert_rows(model._meta.db_table, [f.column for f in fields], rows)


def update_rows(model, objs: Sequence, fields: Sequence[str]) -> None:
    """Write these fields of many saved objects, one prepared UPDATE run once a row (the ORM's bulk_update builds a
    CASE per field and row, slow beyond a few hundred rows)."""
    if not objs:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    q = connection.ops.quote_name
    sets = ", ".join(f"{q(f.column)} = %s" for f in columns)
    rows = [tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns) + (obj.pk,) for obj in objs]
    with connection.cursor() as cur:
        cur.executemany(f"UPDATE {meta.db_table} SET {sets} WHERE {q(meta.pk.column)} = %s", rows)


def add_counts(table: str, key: Sequence[str], measures: Sequence[str], rows: Sequence[tuple]) -> None:
    """Add counters to a summary table: each row is its key's values then its measures' increments (negative to
    take counts off); a key not there yet is inserted. One INSERT … ON CONFLICT DO UPDATE (PostgreSQL, SQLite)."""
    if not rows:
        return
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in (*key, *measures))
    conflict = ", ".join(q(c) for c in key)
    sets = ", ".join(f"{q(m)} = {table}.{q(m)} + excluded.{q(m)}" for m in measures)
    rows = sorted(rows)  # the same order in every transaction: row locks are taken without deadlock
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(cur.cursor, f"INSERT INTO {table} ({cols}) VALUES %s ON CONFLICT ({conflict}) DO UPDATE SET {sets}",
                           rows, page_size=2000)
        else:
            marks = ", ".join(["%s"] * (len(key) + len(measures)))
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT ({conflict}) DO UPDATE SET {sets}", rows)
