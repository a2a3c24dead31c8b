"""Benchmark: building the demo register and writing it through the bulk path.

Each case runs in a fresh process on a fresh database (SQLite in a temporary folder, or a PostgreSQL
database `lindung_bench` that is dropped and created again) and prints seconds, rows/s and peak memory.

    .venv/bin/python bench/registry.py                       # 75,903, 100 k and 1 M rows, SQLite and PostgreSQL
    .venv/bin/python bench/registry.py --sizes 100000 --databases sqlite
"""
import argparse
import json
import time

from fresh import peak_memory_mb, run_fresh



def run_case(rows: int) -> dict:
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    from lindung.regions.services import load_regions
    from lindung.registry.demo import generate_register
    from lindung.registry.services import DEMO_MIGRANT_REGENCIES, insert_register
    from lindung.regions.models import Level, Region
    from lindung.regions.services import villages_of

    call_command("migrate", verbosity=0)
    load_regions()
    villages = list(villages_of().values_list("code", "name"))
    others = list(Region.objects.filter(level=Level.DISTRICT, parent_id__in=DEMO_MIGRANT_REGENCIES).values_list("code", flat=True))
    started = time.perf_counter()
    frame = generate_register(workers=rows, seed=1, villages=villages, other_districts=others, today=date(2026, 11, 25))
    generated = time.perf_counter()
    insert_register(frame, source="bench")
    inserted = time.perf_counter()
    return {
        "generate_s": generated - started,
        "insert_s": inserted - generated,
        "peak_rss_mb": peak_memory_mb(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="75903,100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(int(args.case))))
        return
    print(f"{'database':<10} {'rows':>10} {'generate s':>11} {'insert s':>9} {'insert rows/s':>14} {'peak MB':>8}")
    for database in args.databases.split(","):
        for rows in (int(s) for s in args.sizes.split(",")):
            r = run_fresh(__file__, database, str(rows))
            print(f"{database:<10} {rows:>10,} {r['generate_s']:>11.1f} {r['insert_s']:>9.1f} "
                  f"{rows / r['insert_s']:>14,.0f} {r['peak_rss_mb']:>8,.0f}", flush=True)

if __name__ == "__main__":
    main()
