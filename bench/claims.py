"""Benchmark: claims at scale — the totals, the stalled list, a BPJS status file, one report.

Each case runs in a fresh process on a fresh database (bench/fresh.py): a synthetic register of 20 k people,
all enrolled on APBD (JKK + JKM) from 2025-01, June 2025 billed and paid; then N claims written in bulk
(deaths and work accidents spread over 2025, over the register's kecamatan, half of them paid).
Timed: claims_totals("2025-01", "2025-12") (the dashboard's figures; best of three), the stalled list
(count), a status file of 1,000 rows (CSV; first import, then the same file again) and one report_incident
(the coverage check on the ledger and the benefit estimate). A regency of 76 k workers sees a few hundred
claims a year: 100 k claims is a province's years, 1 M the nation's.

Measured 2026-11-25 on the shared 2-core machine, other work running, seconds (totals: best of 3; file: 1,000
rows moved to paid, then the same file again):

    database    claims   paid     totals   stalled list   status file 1k   again   one report
    sqlite      100 k    50 k     0.089    0.005          0.67             0.06    0.005
    sqlite      1 M      500 k    1.67     0.066          1.53             0.11    0.005
    postgres    100 k    50 k     0.079    0.014          1.88             0.22    0.014
    postgres    1 M      500 k    0.76     0.157          1.44             0.11    0.008

Before the month was taken as text (TruncMonth, a Python function on SQLite) the totals took 0.87 s at 100 k
and 3.3 s at 1 M on SQLite; before a file was applied in one transaction, 1,000 rows took 6.3 s on PostgreSQL.

    .venv/bin/python bench/claims.py                        # 100 k and 1 M claims, SQLite and PostgreSQL
    .venv/bin/python bench/claims.py --sizes 100000 --databases sqlite
"""
import argparse
import json
import sys
import time

from fresh import load_bench_register, run_fresh

POSTGRES_NAME = "lindung_bench_claims"
PEOPLE = 20_000
STATUS_ROWS = 1_000


def run_case(claims: int) -> dict:
    import django

    django.setup()
    import tempfile
    from datetime import date, timedelta
    from pathlib import Path

    from django.utils import timezone

    from lindung.billing.models import Invoice
    from lindung.billing.services import enrol, record_payment, run_billing
    from lindung.claims.models import ClaimStatus, Incident, claim_number
    from lindung.claims.services import claims_totals, report_incident, stalled_claims
    from lindung.claims.status_file import import_status_file
    from lindung.programmes.models import Payer
    from lindung.registry.models import Person

    load_bench_register(PEOPLE, date(2025, 1, 1))
    enrol(Person.objects.all(), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2025-01")
    run_billing("2025-06")
    invoice = Invoice.objects.get(month="2025-06")
    record_payment(invoice, invoice.total, date(2025, 7, 10))

    people = list(Person.objects.values_list("pk", "village_id")[:PEOPLE])
    name, long_ago = "Ahli Waris", timezone.now() - timedelta(days=60)
    started = time.perf_counter()
    batch = []
    for i in range(claims):
        person, village = people[i % len(people)]
        paid = i % 2 == 0
        kind = "death" if i % 3 else "work_death"
        day = date(2025, 1, 1) + timedelta(days=i % 300)
        batch.append(Incident(
            person_id=person, village_id=village, kind=kind, occurred_on=day, place="x", contact_name=name,
            programme_id="JKM" if kind == "death" else "JKK", protected=True, expected_amount=42_000_000,
            status=ClaimStatus.PAID if paid else ClaimStatus.SUBMITTED, status_since=long_ago,
            paid_amount=42_000_000 if paid else None, paid_on=day + timedelta(days=30) if paid else None,
        ))
        if len(batch) == 10_000:
            Incident.objects.bulk_create(batch)
            batch = []
    Incident.objects.bulk_create(batch)
    write_s = time.perf_counter() - started

    timings = []
    for _ in range(3):
        started = time.perf_counter()
        rows = claims_totals("2025-01", "2025-12")
        timings.append(time.perf_counter() - started)
    paid_claims = sum(r["claims"] for r in rows)
    assert paid_claims == Incident.objects.filter(status="paid", paid_on__year=2025).count()
    started = time.perf_counter()
    stalled = stalled_claims().count()
    stalled_s = time.perf_counter() - started

    open_claims = list(Incident.objects.filter(status="submitted").values_list("pk", flat=True)[:STATUS_ROWS])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "status.csv"
        path.write_text("Nomor Klaim,Status,Jumlah Dibayar,Tanggal\n" + "".join(
            f"{claim_number(pk)},dibayar,42000000,2025-11-01\n" for pk in open_claims))
        started = time.perf_counter()
        first = import_status_file(path, "status.csv")
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        again = import_status_file(path, "status.csv")
        again_s = time.perf_counter() - started
    assert first.changed == len(open_claims) and again.changed == 0

    person = Person.objects.exclude(pk__in=Incident.objects.values("person_id")).first() or Person.objects.last()
    started = time.perf_counter()
    incident = report_incident(person, kind="work_accident", occurred_on=date(2025, 6, 10), place="x",
                               contact_name="y", incapacity_months=1)
    report_s = time.perf_counter() - started
    assert incident.protected, incident.coverage
    return {
        "claims": claims, "paid": paid_claims, "rows": len(rows), "write_s": write_s, "totals_s": min(timings),
        "stalled": stalled, "stalled_s": stalled_s, "status_rows": len(open_claims), "import_s": import_s,
        "again_s": again_s, "report_s": report_s,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(int(args.case))))
        return
    print(f"{'database':<10} {'claims':>10} {'paid':>9} {'rows':>6} {'totals s':>9} {'stalled s':>10} "
          f"{'file 1k s':>10} {'again s':>8} {'report s':>9}")
    for database in args.databases.split(","):
        for claims in (int(s) for s in args.sizes.split(",")):
            r = run_fresh(__file__, database, str(claims), postgres_name=POSTGRES_NAME)
            print(f"{database:<10} {claims:>10,} {r['paid']:>9,} {r['rows']:>6,} {r['totals_s']:>9.3f} "
                  f"{r['stalled_s']:>10.3f} {r['import_s']:>10.2f} {r['again_s']:>8.2f} {r['report_s']:>9.3f}",
                  flush=True)


if __name__ == "__main__":
    sys.exit(main())
