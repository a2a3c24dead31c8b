"""Claims paid on the dashboard and in the Paritrana pack: what the regency's money bought, from January to the
month shown, by programme and kecamatan, on a register enrolled, billed and partly paid (the march fixture)."""
import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindung.claims.services import change_status, report_incident
from lindung.coverage.dashboard import dashboard
from lindung.coverage.tests.test_indicators import march  # noqa: F401 (the fixture: March 2026 partly paid)
from lindung.coverage.tests.test_views import table_row
from lindung.programmes.models import Payer
from lindung.reports.paritrana import paritrana_pdf, paritrana_xlsx
from lindung.reports.tests.test_paritrana import pdf_lines
from lindung.tests.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims_paid(march):
    """Bunga (fisher, Tambelang) died in March, JKM paid in March; Citra (farmer, Cikarang Barat) died at work,
    JKK paid in March; Euis (farmer, Tambelang) died in March, paid in April; Dadang's claim is not paid yet."""
    aditya, bunga, citra, dadang, euis, *_ = march
    for person, kind, paid_on, amount in (
        (bunga, "death", date(2026, 3, 25), 42_000_000),
        (citra, "work_death", date(2026, 3, 30), 72_000_000),
        (euis, "death", date(2026, 4, 6), 42_000_000),
        (dadang, "death", None, None),
    ):
        claim = report_incident(person, kind=kind, occurred_on=date(2026, 3, 10), place="Sawah", contact_name="Ahli waris")
        if paid_on:
            change_status(claim, "paid", on=paid_on, amount=amount)
    return march


def test_the_dashboard_counts_the_claims_paid_from_january_to_its_month(claims_paid):
    march_claims = dashboard("2026-03")["claims"]
    assert (march_claims["first_month"], march_claims["last_month"]) == ("2026-01", "2026-03")
    assert (march_claims["claims"], march_claims["paid"]) == (2, 114_000_000)
    assert march_claims["by_programme"] == [
        {"programme": "JKK", "claims": 1, "paid": 72_000_000},
        {"programme": "JKM", "claims": 1, "paid": 42_000_000},
    ]
    assert march_claims["by_kecamatan"] == {"32.16.04": {"claims": 1, "paid": 42_000_000},
                                            "32.16.08": {"claims": 1, "paid": 72_000_000}}
    april = dashboard("2026-04")["claims"]
    assert (april["claims"], april["paid"]) == (3, 156_000_000)  # Euis's, paid in April; Dadang's is still open
    # The segment filter keeps the claims of its people; BPJS pays claims, so the payer filter leaves them.
    farmers = dashboard("2026-04", segment="farmer")["claims"]
    assert (farmers["claims"], farmers["paid"]) == (2, 114_000_000)
    assert dashboard("2026-04", payer=Payer.objects.get(kind="apbd"))["claims"] == april
    assert dashboard("2026-02")["claims"]["claims"] == 0


def test_the_dashboard_page_shows_the_claims_paid(client, login, claims_paid):
    login("leader")
    response = client.get(reverse("coverage:dashboard"), {"month": "2026-03"})
    assert re.search(r'id="claims-paid">Rp 114\.000\.000<', response.content.decode())
    assert "dibayar BPJS untuk 2 klaim dari Januari sampai Maret 2026" in text(response)
    assert "Klaim yang dibayar dari Januari sampai Maret 2026" in text(response)
    assert table_row(response, "JKK")[1:] == ["1", "Rp 72.000.000"]
    assert table_row(response, "JKM")[1:] == ["1", "Rp 42.000.000"]


def test_the_paritrana_pack_shows_the_claims_paid_in_its_year(claims_paid):
    lines = pdf_lines(paritrana_pdf(2026))
    text = " ".join(lines)
    assert "Klaim yang dibayar dari Januari sampai Maret 2026" in lines
    # March is the reference month (nothing of April is paid), so Euis's claim paid in April is not in it.
    assert "BPJS Ketenagakerjaan membayar 2 klaim" in text and "Rp 114.000.000" in text
    assert "JKK 1 72.000.000" in lines and "JKM 1 42.000.000" in lines
    assert "Tambelang 1 42.000.000" in lines and "Cikarang Barat 1 72.000.000" in lines
    book = load_workbook(io.BytesIO(paritrana_xlsx(2026)))
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(min_row=5, values_only=True)}
    assert (summary["Klaim yang dibayar dari Januari sampai Maret 2026"], summary["Klaim dibayar (Rp)"]) == (2, 114_000_000)
    rows = list(book["Klaim dibayar"].iter_rows(min_row=2, values_only=True))
    assert rows == [("JKK", None, 1, 72_000_000), ("JKM", None, 1, 42_000_000),
                    (None, "Tambelang", 1, 42_000_000), (None, "Cikarang Barat", 1, 72_000_000),
                    ("Total", None, 2, 114_000_000)]
