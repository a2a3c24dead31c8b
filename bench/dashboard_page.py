"""Benchmark: the coverage pages as a browser gets them, and the Paritrana pack, at 100 k and 1 M members.

Each case runs in a fresh process on a fresh database (bench/fresh.py), set up as bench/coverage.py does: a
synthetic register of N people on APBD (JKK + JKM) from 2026-01, January billed and paid, its figures copied
to the eleven months before (a year of history). Then, through Django's test client as a logged-in leader
(the whole request: middleware, figures, SVG drawing, template): GET /coverage/ (first, then best of three),
with a segment filter, and one kecamatan's page; then the Paritrana PDF and XLSX for 2026 (best of one).

    .venv/bin/python bench/dashboard_page.py                                   # 100 k and 1 M on SQLite
    .venv/bin/python bench/dashboard_page.py --cases sqlite:100000,postgres:100000

PostgreSQL cases use their own database, lindung_coverage_screens_bench.
"""
import argparse
import json
import time

from fresh import load_bench_register, run_fresh

POSTGRES_NAME = "lindung_coverage_screens_bench"


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def run_case(members: int) -> dict:
    import django

    django.setup()
    from datetime import date

    from coverage import copy_history
    from django.test import Client

    from lindung.accounts.services import create_user
    from lindung.billing.models import Invoice
    from lindung.billing.services import enrol, record_payment, run_billing
    from lindung.months import add_months
    from lindung.programmes.models import Payer
    from lindung.registry.models import Person
    from lindung.reports.paritrana import paritrana_pdf, paritrana_xlsx

    load_bench_register(members, date(2026, 1, 1))
    enrol(Person.objects.all(), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-01")
    run_billing("2026-01")
    invoice = Invoice.objects.get(month="2026-01")
    record_payment(invoice, invoice.total, date(2026, 1, 20))
    copy_history("2026-01", [add_months("2026-01", -i) for i in range(1, 12)])

    leader, _ = create_user("bench_leader", role="leader", password="bench-password-123")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(leader)

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    first_s, page = timed(lambda: get("/coverage/"))
    assert f'id="protected">{members:,}'.replace(",", ".") in page.content.decode()
    page_s = min(timed(lambda: get("/coverage/"))[0] for _ in range(3))
    filtered_s = min(timed(lambda: get("/coverage/?month=2026-01&segment=farmer"))[0] for _ in range(3))
    kecamatan_s = min(timed(lambda: get("/coverage/kecamatan/32.16.04/?month=2026-01"))[0] for _ in range(3))
    pdf_s, pdf = timed(lambda: paritrana_pdf(2026))
    xlsx_s, xlsx = timed(lambda: paritrana_xlsx(2026))
    return {
        "page_first_s": first_s, "page_s": page_s, "filtered_s": filtered_s, "kecamatan_s": kecamatan_s,
        "page_kb": len(page.content) / 1024, "pdf_s": pdf_s, "pdf_kb": len(pdf) / 1024, "xlsx_s": xlsx_s,
    }


COLUMNS = [
    ("page_first_s", "1st page", "{:>8.3f}"), ("page_s", "page s", "{:>7.3f}"), ("filtered_s", "filtered", "{:>8.3f}"),
    ("kecamatan_s", "kec. s", "{:>7.3f}"), ("page_kb", "page KB", "{:>7.0f}"), ("pdf_s", "PDF s", "{:>6.2f}"),
    ("pdf_kb", "PDF KB", "{:>6.0f}"), ("xlsx_s", "XLSX s", "{:>6.2f}"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="sqlite:100000,sqlite:1000000", help="database:members, comma-separated")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(int(args.case))))
        return
    print(f"{'database':<9} {'members':>10} " + " ".join(f"{title:>8}" for _, title, _ in COLUMNS))
    for case in args.cases.split(","):
        database, members = case.split(":")
        r = run_fresh(__file__, database, members, postgres_name=POSTGRES_NAME)
        print(f"{database:<9} {int(members):>10,} " + " ".join(fmt.format(r[key]).rjust(8) for key, _, fmt in COLUMNS),
              flush=True)


if __name__ == "__main__":
    main()
