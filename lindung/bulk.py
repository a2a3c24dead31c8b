"""Set-based writes through the database driver: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create builds a model instance per row; for hundreds of thousands of rows that is ten
times slower than handing the driver plain tuples. Table and column names come from the model's _meta.
"""
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

import polars as pl
from django.db import connection, transaction

BATCH = 10_000
ANALYZE_AFTER = 10_000  # rows written by one statement
REBUILD_FROM = 10_000  # rows inserted at once, for indexes_built_after()
BUILD_CACHE_SIZE = -32_768  # KiB: SQLite's page cache while indexes_built_after() inserts and builds


def _names(model, columns: Sequence[str]) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(c) for c in columns]
    return quote(model._meta.db_table), [quote(f.column) for f in fields]


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert plain tuples (values in `columns` order, already in database form). Returns rows written."""
    table, cols = _names(model, columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            count = _copy(cursor, table, cols, rows)
            if count >= ANALYZE_AFTER:
                refresh_statistics(model)
            return count
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        for batch in _batches(rows):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


@contextmanager
def indexes_built_after(model, incoming: int):
    """SQLite: when at least as many rows are about to be inserted as the table holds, its indexes are dropped
    for the insert and created again after it, from their own CREATE statements.

    Building an index from a finished table sorts once; keeping it up to date row by row costs a random B-tree
    descent per row and index (a million new people: ≈ 12 s instead of ≈ 20 s). Inside the caller's
    transaction, so a failure (a unique index that no longer holds raises IntegrityError) restores the indexes
    with everything else. PostgreSQL, and small inserts into large tables, keep their indexes as they are.
    """
    if connection.vendor != "sqlite" or incoming < REBUILD_FROM:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_built_after() needs a transaction")
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        (existing,) = cursor.fetchone()
        if incoming < existing:
            indexes = []
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                           "AND sql IS NOT NULL ORDER BY name", [table])
            indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        if indexes:
            # Appending rows and sorting index keys need no large page cache; the settings' 256 MB (for index
            # pages touched at random) would only add to the process's peak (≈ -200 MB at 1 M rows, as fast).
            cursor.execute("PRAGMA cache_size")
            (cache_size,) = cursor.fetchone()
            cursor.execute(f"PRAGMA cache_size = {BUILD_CACHE_SIZE}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
        if indexes:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


def upsert_rows(model, columns: Sequence[str], rows: Iterable[Sequence], key: str) -> int:
    """Insert new rows and update changed ones, matched on the unique column `key`.

    Returns how many rows were inserted or actually changed (identical rows are not rewritten).
    """
    table, cols = _names(model, columns)
    (key_col,) = _names(model, [key])[1]
    others = [c for c in cols if c != key_col]
    update = ", ".join(f"{c} = excluded.{c}" for c in others)
    changed = " OR ".join(f"{table}.{c} IS DISTINCT FROM excluded.{c}" for c in others)
    if connection.vendor == "sqlite":
        changed = changed.replace("IS DISTINCT FROM", "IS NOT")
    conflict = f"ON CONFLICT ({key_col}) DO UPDATE SET {update} WHERE {changed}"
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = connection.ops.quote_name(f"staging_{model._meta.db_table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} (LIKE {table}) ON COMMIT DROP")
            _copy(cursor, staging, cols, rows)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {staging} {conflict}"
            )
            count = cursor.rowcount
            cursor.execute(f"DROP TABLE {staging}")
            return count
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))}) {conflict}"
        for batch in _batches(rows):
            before = connection.connection.total_changes
            cursor.executemany(sql, batch)
            count += connection.connection.total_changes - before
    return count


def update_rows(model, key: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Set `columns` of existing rows found by `key`; each row is (key value, *column values), in database form.

    Returns how many rows were updated.
    """
    table, cols = _names(model, columns)
    (key_col,) = _names(model, [key])[1]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = connection.ops.quote_name(f"update_{model._meta.db_table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
                f"SELECT {key_col}, {', '.join(cols)} FROM {table} WITH NO DATA"
            )
            _copy(cursor, staging, [key_col, *cols], rows)
            assignments = ", ".join(f"{c} = {staging}.{c}" for c in cols)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {staging} WHERE {table}.{key_col} = {staging}.{key_col}"
            )
            count = cursor.rowcount
            cursor.execute(f"DROP TABLE {staging}")
            return count
        sql = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in cols)} WHERE {key_col} = %s"
        count = 0
        for batch in _batches(rows):
            cursor.executemany(sql, [(*row[1:], row[0]) for row in batch])
            count += cursor.rowcount
        return count


def reserve_ids(model, count: int) -> pl.Series:
    """Primary keys for `count` rows about to be inserted, so that the caller knows them without reading back.

    Inside a transaction: on SQLite it holds the write lock (transaction_mode IMMEDIATE), so the ids after the
    highest ever given (AUTOINCREMENT never reuses one) stay free; on PostgreSQL they come from the
    table's sequence, which hands each id out once.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("reserve_ids() needs a transaction")
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, pk, count])
            return pl.Series("id", [r[0] for r in cursor.fetchall()], dtype=pl.Int64)
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(pk)}), 0) FROM {quote(table)}")
        (highest,) = cursor.fetchone()
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        given = cursor.fetchone()
        first = max(highest, given[0] if given else 0) + 1
    return pl.int_range(first, first + count, dtype=pl.Int64, eager=True).alias("id")


def hold_table(model) -> None:
    """Until the transaction ends, nobody else writes to the model's table (others still read it).

    PostgreSQL: LOCK TABLE … IN SHARE ROW EXCLUSIVE MODE. SQLite: nothing to do, a write transaction
    (transaction_mode IMMEDIATE) already holds the database's only write lock.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("hold_table() needs a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE")


def _copy(cursor, table: str, cols: Sequence[str], rows: Iterable[Sequence]) -> int:
    """PostgreSQL COPY of plain tuples into `table` (quoted names). Returns rows written."""
    count = 0
    # The driver's COPY bypasses Django's cursor wrapper; map its errors to django.db's.
    with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _batches(rows: Iterable[Sequence]):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def read_frame(queryset, schema: dict) -> pl.DataFrame:
    """A values_list() query read straight from the driver into Polars (no Django row objects).

    `schema` names the columns in the order of the query's values_list and gives their Polars types.
    Fields with converters (encrypted text) must not be read this way: they come back as stored.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=list(schema), orient="row").cast(schema) if rows else pl.DataFrame(schema=schema)


def insert_from_select(model, queryset, columns: dict, order_by: Sequence[str] = ()) -> int:
    """INSERT INTO the model's table the rows a query selects, in one statement run by the database.

    `columns` maps each field of `model` to an expression over `queryset`'s model. No row passes
    through Python, which makes this the fastest way to derive one table from another. Rows arriving
    in the order of the target's indexes (`order_by`) keep index writes sequential.
    """
    aliases = {f"_insert_{i}": expression for i, expression in enumerate(columns.values())}
    query = queryset.order_by(*order_by).annotate(**aliases).values_list(*aliases)
    sql, params = query.query.sql_with_params()
    table, cols = _names(model, list(columns))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(cols)}) {sql}", params)
        count = cursor.rowcount
    if count >= ANALYZE_AFTER:
        refresh_statistics(model)
    return count


def refresh_statistics(model) -> None:
    """PostgreSQL: ANALYZE a table after a large write.

    Without fresh statistics the planner takes a just-filled table for empty and picks nested loops over
    sequential scans for the next query: minutes instead of a second. (SQLite needs nothing here.)
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
