"""Benchmark: the floor under a bulk import of new people on SQLite — what the database alone needs.

An import of a million new people ends by writing their rows into `registry_person` and building its
indexes. This script measures that part with nothing of lindung's own in the way: the very driver rows that
`insert_people()` would write (captured from it, encrypted NIK, KK and phone with their blind indexes, in a
transaction rolled back), handed to SQLite's own `executemany()` all at once, then the table's indexes (from
the migrations, read back from `sqlite_master`) built one by one, then the commit. With the settings'
pragmas. Then, in a fresh database, the same people written through `insert_register()` as a whole (which
also seals them, in a second process), for comparison.

If the floor alone is above a target for the whole import (read, check, seal, write), that target cannot be
met with this schema on this machine, whatever the code around it does.

    .venv/bin/python bench/intake_floor.py                  # 100 k and 1 M people
    .venv/bin/python bench/intake_floor.py --sizes 100000
    .venv/bin/python bench/intake_floor.py --indexes person_nik_unique_active   # the floor with only that index
"""
import argparse
import json
import os
import time
from datetime import date

from fresh import peak_memory_mb, run_fresh


def captured_rows(frame, source: str) -> tuple[list[str], list[tuple]]:
    """The columns and driver rows insert_people() writes for `frame`, without writing them."""
    from unittest import mock

    from django.db import transaction

    from lindung import bulk
    from lindung.registry.services import insert_people

    captured: dict = {"rows": []}

    def capture(model, columns, rows):
        captured["columns"] = list(columns)
        captured["rows"].extend(rows)
        return 0

    class Captured(Exception):
        pass

    try:
        with transaction.atomic(), mock.patch.object(bulk, "insert_rows", capture):
            insert_people(frame, source=source)
            raise Captured
    except Captured:
        pass
    return captured["columns"], captured["rows"]


def bench_frame(people: int):
    from django.core.management import call_command

    from lindung.regions.models import Level, Region
    from lindung.regions.services import load_regions, villages_of
    from lindung.registry.demo import generate_register
    from lindung.registry.services import DEMO_MIGRANT_REGENCIES

    call_command("migrate", verbosity=0)
    load_regions()
    villages = list(villages_of().values_list("code", "name"))
    others = list(
        Region.objects.filter(level=Level.DISTRICT, parent_id__in=DEMO_MIGRANT_REGENCIES).values_list("code", flat=True)
    )
    return generate_register(workers=people, seed=1, villages=villages, other_districts=others, today=date(2026, 12, 6))


def floor_case(people: int, only: set[str]) -> dict:
    import django

    django.setup()
    from django.db import connection

    from lindung.registry.models import Person

    frame = bench_frame(people)
    started = time.perf_counter()
    columns, rows = captured_rows(frame, "bench")
    sealed_s = time.perf_counter() - started
    del frame
    table = Person._meta.db_table
    fields = [Person._meta.get_field(c).column for c in columns]
    insert = f'INSERT INTO "{table}" ({", ".join(fields)}) VALUES ({", ".join("?" * len(fields))})'
    connection.ensure_connection()
    db = connection.connection  # the sqlite3 connection, with the settings' pragmas
    db.isolation_level = None
    cursor = db.cursor()
    cursor.execute("BEGIN IMMEDIATE")
    indexes = cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
        [table],
    ).fetchall()
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    if only:
        indexes = [(name, sql) for name, sql in indexes if name in only]
    started = time.perf_counter()
    cursor.executemany(insert, rows)
    insert_s = time.perf_counter() - started
    index_s = {}
    for name, sql in indexes:
        started = time.perf_counter()
        cursor.execute(sql)
        index_s[name] = time.perf_counter() - started
    started = time.perf_counter()
    cursor.execute("COMMIT")
    commit_s = time.perf_counter() - started
    path = connection.settings_dict["NAME"]
    wal = f"{path}-wal"
    return {"columns": len(columns), "rows": len(rows), "seal_and_rows_s": sealed_s, "insert_s": insert_s,
            "index_s": index_s, "commit_s": commit_s, "database_mb": os.path.getsize(path) / 1e6,
            "wal_mb": os.path.getsize(wal) / 1e6 if os.path.exists(wal) else 0, "peak_rss_mb": peak_memory_mb()}


def path_case(people: int) -> dict:
    import django

    django.setup()
    from lindung.registry.services import insert_register

    frame = bench_frame(people)
    started = time.perf_counter()
    insert_register(frame, source="bench")
    return {"insert_register_s": time.perf_counter() - started, "peak_rss_mb": peak_memory_mb()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--indexes", default="", help="build only these of the table's indexes (comma-separated names)")
    parser.add_argument("--case", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        kind, people, only = args.case
        only = {name for name in only.split(",") if name}
        print(json.dumps(floor_case(int(people), only) if kind == "floor" else path_case(int(people))))
        return
    for people in (int(s) for s in args.sizes.split(",")):
        floor = run_fresh(__file__, "sqlite", "floor", str(people), args.indexes)
        if args.indexes:
            path = None
        else:
            path = run_fresh(__file__, "sqlite", "path", str(people), "")
        indexes = sum(floor["index_s"].values())
        total = floor["insert_s"] + indexes + floor["commit_s"]
        print(f"{people:,} people, {floor['columns']} columns, database file {floor['database_mb']:,.0f} MB "
              f"(with the regions), WAL {floor['wal_mb']:,.0f} MB")
        print(f"  floor: executemany {floor['insert_s']:.1f} s ({people / floor['insert_s']:,.0f} rows/s), "
              f"indexes ({len(floor['index_s'])}) {indexes:.1f} s, commit {floor['commit_s']:.1f} s "
              f"= {total:.1f} s ({people / total:,.0f} rows/s)")
        for name, seconds in floor["index_s"].items():
            print(f"    {name:<32} {seconds:5.1f} s")
        print(f"  sealing and driver rows, one process, not timed in the floor: {floor['seal_and_rows_s']:.1f} s")
        if path is None:
            continue
        print(f"  insert_register() as a whole: {path['insert_register_s']:.1f} s "
              f"({people / path['insert_register_s']:,.0f} rows/s), peak {path['peak_rss_mb']:,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
