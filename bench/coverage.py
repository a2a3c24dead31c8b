"""Benchmark: the coverage dashboard's data at 100 k and 1 M members, and the monthly refresh behind it.

Each case runs in a fresh process on a fresh database (bench/fresh.py): a synthetic register of N people,
all enrolled on APBD (JKK + JKM) from 2026-01, January billed (2 N contribution lines) and paid in full
(the billing run and the payment each refresh January's figures through their hooks). Then:

- refresh: refresh_coverage("2026-01") again, timed, with the peak Python allocation (tracemalloc): its cells,
  and its flows, where all N members are new (the worst case); then apart, the cells of January and the
  flows of February, a month with nobody new (what a usual month's refresh adds to them);
- a year of history: January's cells and flows copied to the eleven months before, so that the trend
  reads twelve full months, as on a live system after a year;
- dashboard: dashboard("2026-01") — everything the dashboard screen needs (headline, flows, every
  breakdown, the 12-month trend, budget) — first call, then the best of three; the same with a segment
  filter; kecamatan_detail() for one kecamatan; coverage("2026-01") (the command's figures);
- live: coverage_from_lines("2026-01"), the same figures computed from the lines (what coverage() cost
  before the cells).

The issue's target: 300 ms per dashboard request at 1 M members on SQLite.

    .venv/bin/python bench/coverage.py                       # 100 k and 1 M on SQLite, 100 k on PostgreSQL
    .venv/bin/python bench/coverage.py --sizes 100000 --databases sqlite

The PostgreSQL cases use their own database, lindung_coverage_data_bench, so that they do not drop the
database of another benchmark running at the same time.
"""
import argparse
import json
import time
import tracemalloc

from fresh import load_bench_register, peak_memory_mb, run_fresh

POSTGRES_NAME = "lindung_coverage_data_bench"


def best_of(n: int, call) -> tuple[float, object]:
    times, result = [], None
    for _ in range(n):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return min(times), result


def traced(call) -> tuple[float, float, object]:
    """Seconds, peak Python allocation (MB) and result of one call."""
    tracemalloc.start()
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak_mb, result


def copy_history(month: str, months: list[str]) -> None:
    """January's cells and flows copied to earlier months: a year of figures of the same size."""
    from django.db import connection

    from lindung.coverage.models import CoverageCell, CoverageMonth, MemberFlow

    quote = connection.ops.quote_name
    protected = CoverageMonth.objects.get(month=month).protected
    cells = "payer_id, kecamatan, village, segment, sex, age_band, programmes, people"
    flows = "kind, payer_id, kecamatan, village, segment, people"
    with connection.cursor() as cursor:
        for other in months:
            cursor.execute(
                f"INSERT INTO {quote(CoverageCell._meta.db_table)} (month, {cells}) "
                f"SELECT %s, {cells} FROM {quote(CoverageCell._meta.db_table)} WHERE month = %s", [other, month]
            )
            cursor.execute(
                f"INSERT INTO {quote(MemberFlow._meta.db_table)} (month, {flows}) "
                f"SELECT %s, {flows} FROM {quote(MemberFlow._meta.db_table)} WHERE month = %s", [other, month]
            )
            CoverageMonth.objects.update_or_create(month=other, defaults={"protected": protected})


def run_case(members: int) -> dict:
    import django

    django.setup()
    from datetime import date

    from lindung.billing.models import Invoice
    from lindung.billing.services import enrol, record_payment, run_billing
    from lindung.bulk import refresh_statistics
    from lindung.coverage.aggregate import refresh_cells, refresh_coverage, refresh_flows
    from lindung.coverage.dashboard import dashboard, kecamatan_detail
    from lindung.coverage.indicators import coverage, coverage_from_lines
    from lindung.coverage.models import CoverageCell, CoverageMonth, MemberFlow
    from lindung.months import add_months
    from lindung.programmes.models import Payer
    from lindung.registry.models import Person

    load_bench_register(members, date(2026, 1, 1))
    enrol(Person.objects.all(), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-01")
    started = time.perf_counter()
    report = run_billing("2026-01")
    billing_s = time.perf_counter() - started
    invoice = Invoice.objects.get(month="2026-01")
    started = time.perf_counter()
    record_payment(invoice, invoice.total, date(2026, 1, 20))
    payment_s = time.perf_counter() - started

    refresh_s, refresh_peak_mb, protected = traced(lambda: refresh_coverage("2026-01"))
    assert protected == members, protected
    cells_s, _, _ = traced(lambda: refresh_cells("2026-01"))
    flows_s, _, _ = traced(lambda: refresh_flows("2026-02"))  # a month with nobody new: the usual case
    cells_per_month = CoverageCell.objects.filter(month="2026-01").count()
    flows_per_month = MemberFlow.objects.filter(month="2026-01").count()

    copy_history("2026-01", [add_months("2026-01", -i) for i in range(1, 12)])
    refresh_statistics(CoverageCell)
    refresh_statistics(MemberFlow)
    assert CoverageMonth.objects.count() >= 12

    dashboard_first_s, dashboard_peak_mb, first = traced(lambda: dashboard("2026-01"))
    assert first["headline"]["protected"] == members and first["headline"]["new"] == members
    assert [m["protected"] for m in first["trend"]] == [members] * 12
    dashboard_s, again = best_of(3, lambda: dashboard("2026-01"))
    assert again == first
    segment = max(first["by_segment"], key=lambda s: s["protected"])["code"]
    dashboard_segment_s, _ = best_of(3, lambda: dashboard("2026-01", segment=segment, payer=Payer.objects.get(kind="apbd")))
    kecamatan = max(first["by_kecamatan"], key=lambda k: k["protected"])["code"]
    detail_s, _ = best_of(3, lambda: kecamatan_detail("2026-01", kecamatan))
    coverage_s, figures = best_of(3, lambda: coverage("2026-01"))
    started = time.perf_counter()
    assert coverage_from_lines("2026-01") == figures
    live_s = time.perf_counter() - started
    return {
        "lines": report.lines,
        "billing_s": billing_s,
        "payment_s": payment_s,
        "refresh_s": refresh_s,
        "refresh_peak_mb": refresh_peak_mb,
        "cells_s": cells_s,
        "flows_s": flows_s,
        "cells": cells_per_month,
        "flows": flows_per_month,
        "dashboard_first_s": dashboard_first_s,
        "dashboard_s": dashboard_s,
        "dashboard_filtered_s": dashboard_segment_s,
        "dashboard_peak_mb": dashboard_peak_mb,
        "detail_s": detail_s,
        "coverage_s": coverage_s,
        "live_s": live_s,
        "peak_rss_mb": peak_memory_mb(),
    }


COLUMNS = [
    ("lines", "lines", "{:>10,}"), ("billing_s", "bill s", "{:>7.1f}"), ("payment_s", "pay s", "{:>6.1f}"),
    ("refresh_s", "refresh s", "{:>9.2f}"), ("cells_s", "cells s", "{:>7.2f}"), ("flows_s", "flows s", "{:>7.2f}"),
    ("refresh_peak_mb", "ref. MB", "{:>7.1f}"), ("cells", "cells", "{:>7,}"),
    ("dashboard_first_s", "dash 1st", "{:>8.3f}"), ("dashboard_s", "dash s", "{:>7.3f}"),
    ("dashboard_filtered_s", "filtered", "{:>8.3f}"), ("detail_s", "kec. s", "{:>7.3f}"),
    ("coverage_s", "cov. s", "{:>7.3f}"), ("live_s", "live s", "{:>7.2f}"), ("dashboard_peak_mb", "dash MB", "{:>7.1f}"),
    ("peak_rss_mb", "peak MB", "{:>7,.0f}"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="sqlite:100000,sqlite:1000000,postgres:100000",
                        help="database:members, comma-separated")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(int(args.case))))
        return
    print(f"{'database':<9} {'members':>10} " + " ".join(f"{title:>{len(fmt.format(0)) if 'f' in fmt else 7}}" for _, title, fmt in COLUMNS))
    for case in args.cases.split(","):
        database, members = case.split(":")
        r = run_fresh(__file__, database, members, postgres_name=POSTGRES_NAME)
        print(f"{database:<9} {int(members):>10,} " + " ".join(fmt.format(r[key]) for key, _, fmt in COLUMNS), flush=True)


if __name__ == "__main__":
    main()
