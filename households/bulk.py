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


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert many rows with one statement per 2,000 rows (PostgreSQL) or a prepared statement run many times
    (SQLite): the ORM's bulk_create is held to 999 parameters a statement on SQLite, too slow for a district."""
    if not rows:
        return
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(cur.cursor, f"INSERT INTO {table} ({cols}) VALUES %s", rows, page_size=2000)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
