"""Benchmark: the monthly billing run, a payment and the protection ledger at 100 k and 1 M members.

Each case runs in a fresh process on a fresh database: a synthetic register of N people, all enrolled
on APBD (JKK + JKM) from 2026-01, so 2 N contribution lines a month. Timed: the first run of a month,
a rerun (no change), paying the whole invoice (allocation to every member), the next month's run, and
the ledger queries the coverage and claims work use.

    .venv/bin/python bench/billing.py                       # 100 k and 1 M, SQLite and PostgreSQL
    .venv/bin/python bench/billing.py --sizes 100000 --databases sqlite
"""
import argparse
import json
import os
import sys
import random
import time

from fresh import load_bench_register, peak_memory_mb, run_fresh

POSTGRES_NAME = "lindung_bench_billing"


def run_case(members: int) -> dict:
    import django

    django.setup()
    from datetime import date

    from django.db import connection

    from lindung.billing import ledger
    from lindung.billing.models import Invoice
    from lindung.billing.services import enrol, record_payment, run_billing
    from lindung.programmes.models import Payer
    from lindung.registry.models import Person

    load_bench_register(members, date(2026, 1, 1))
    timings = {}

    slowest = []

    def time_statement(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            slowest.append((time.perf_counter() - started, sql[:160]))

    def timed(name, function):
        started = time.perf_counter()
        with connection.execute_wrapper(time_statement):
            result = function()
        timings[name] = time.perf_counter() - started
        if os.environ.get("BENCH_SQL"):
            print(f"{name} {timings[name]:.2f}s", *(f"  {d:.2f}s {q}" for d, q in sorted(slowest)[::-1][:5]), sep="\n", file=sys.stderr)
        slowest.clear()
        return result

    apbd = Payer.objects.get(kind="apbd")
    timed("enrol_s", lambda: enrol(Person.objects.all(), ["JKK", "JKM"], apbd, "2026-01"))
    first = timed("run_s", lambda: run_billing("2026-01"))
    again = timed("rerun_s", lambda: run_billing("2026-01"))
    assert not again.changed and again.total == first.total == members * 16_800, (first, again)
    invoice = Invoice.objects.get(month="2026-01")
    timed("pay_s", lambda: record_payment(invoice, invoice.total, date(2026, 1, 20)))
    timed("next_run_s", lambda: run_billing("2026-02"))
    by_kecamatan = timed("ledger_by_kecamatan_s", lambda: ledger.protected_count_by("2026-01", "kecamatan"))
    assert sum(by_kecamatan.values()) == members, sum(by_kecamatan.values())
    timed("ledger_protected_s", lambda: ledger.protected_people("2026-01").count())
    ids = random.Random(1).sample(list(Person.objects.values_list("pk", flat=True)), 200)
    people = list(Person.objects.filter(pk__in=ids))
    started = time.perf_counter()
    for person in people:
        ledger.person_ledger(person, ["2026-01", "2026-02"])
    timings["person_ledger_ms"] = (time.perf_counter() - started) / len(people) * 1000
    return {**timings, "lines": first.lines, "peak_rss_mb": peak_memory_mb()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(int(args.case))))
        return
    print(
        f"{'database':<10} {'members':>10} {'lines':>10} {'enrol s':>8} {'run s':>6} {'lines/s':>10} {'rerun s':>8} "
        f"{'pay s':>6} {'next s':>7} {'ledger s':>9} {'person ms':>10} {'peak MB':>8}"
    )
    for database in args.databases.split(","):
        for members in (int(s) for s in args.sizes.split(",")):
            r = run_fresh(__file__, database, str(members), postgres_name=POSTGRES_NAME)
            print(
                f"{database:<10} {members:>10,} {r['lines']:>10,} {r['enrol_s']:>8.1f} {r['run_s']:>6.1f} "
                f"{r['lines'] / r['run_s']:>10,.0f} {r['rerun_s']:>8.1f} {r['pay_s']:>6.1f} {r['next_run_s']:>7.1f} "
                f"{r['ledger_by_kecamatan_s']:>9.2f} {r['person_ledger_ms']:>10.1f} {r['peak_rss_mb']:>8,.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
