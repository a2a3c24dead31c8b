"""The reports screens: the Paritrana downloads (audited), village reports by scope, regulations and innovations."""
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from lindung.accounts.models import AuditEvent
from lindung.coverage.tests.test_indicators import march  # noqa: F401 (the fixture: March 2026 partly paid)
from lindung.reports.models import Innovation, Regulation
from lindung.tests.pages import field_error, flashes, text

pytestmark = pytest.mark.django_db

# role -> (reports page, Paritrana PDF, own village's report (Sukawijaya), another village's report, add a regulation)
ALLOWED = {
    "admin": (200, 200, 200, 200, 200),
    "officer": (200, 200, 200, 200, 200),
    "leader": (200, 200, 200, 200, 403),
    "village_operator": (200, 403, 200, 403, 403),
}


@pytest.mark.parametrize("role", list(ALLOWED))
def test_each_role_reaches_exactly_its_reports(client, login, march, role):
    login(role)
    got = (
        client.get(reverse("reports:index")).status_code,
        client.get(reverse("reports:paritrana", args=[2026, "pdf"])).status_code,
        client.get(reverse("reports:village", args=["32.16.04.2001"])).status_code,
        client.get(reverse("reports:village", args=["32.16.08.1008"])).status_code,
        client.get(reverse("reports:regulation-add")).status_code,
    )
    assert got == ALLOWED[role]


def test_the_pack_downloads_as_pdf_and_xlsx_and_each_download_is_audited(client, login, march):
    user = login("leader")
    page = client.get(reverse("reports:index"))
    assert 'href="/reports/paritrana/2026/pdf/"' in page.content.decode()
    response = client.get(reverse("reports:paritrana", args=[2026, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="paritrana-2026.pdf"' in response["Content-Disposition"]
    assert "Penilaian mandiri Paritrana 2026" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    response = client.get(reverse("reports:paritrana", args=[2026, "xlsx"]))
    assert load_workbook(io.BytesIO(response.content))["Ringkasan"]["A1"].value == "Penilaian mandiri Paritrana 2026"
    events = AuditEvent.objects.filter(action="reports.pack_download", user=user).order_by("pk")
    assert [e.summary for e in events] == ["2026 PDF (paritrana-2026.pdf)", "2026 XLSX (paritrana-2026.xlsx)"]
    assert client.get(reverse("reports:paritrana", args=[2026, "docx"])).status_code == 404
    # A year with nothing paid: back to the page with the reason, nothing downloaded.
    response = client.get(reverse("reports:paritrana", args=[2025, "pdf"]), follow=True)
    assert flashes(response) == ["Belum ada iuran yang dibayar untuk tahun 2025"]


def test_a_village_operator_gets_the_report_of_their_own_village_only(client, login, march):
    user = login("village_operator")
    page = client.get(reverse("reports:index"))
    assert "Penilaian mandiri Paritrana" not in text(page)
    assert re.findall(r'href="/reports/village/([^/]+)/pdf/"', page.content.decode()) == ["32.16.04.2001"]
    response = client.get(reverse("reports:village", args=["32.16.04.2001"]))
    assert response["Content-Type"] == "application/pdf"
    assert "Laporan cakupan Sukawijaya" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    event = AuditEvent.objects.get(action="reports.village_download", user=user)
    assert event.target_id == "32.16.04.2001"
    assert client.get(reverse("reports:village", args=["32.16.99.9999"])).status_code == 404


def test_an_officer_records_regulations_and_innovations_and_the_pack_shows_them(client, login, march):
    login("officer")
    response = client.post(reverse("reports:regulation-add"), {"kind": "perbup", "number": "12 Tahun 2025",
                                                              "issued_on": "", "title": "Perlindungan pekerja rentan"})
    assert field_error(response, "issued_on")
    assert not Regulation.objects.exists()
    response = client.post(reverse("reports:regulation-add"), {"kind": "perbup", "number": "12 Tahun 2025",
                                                              "issued_on": "2025-06-02", "title": "Perlindungan pekerja rentan"},
                           follow=True)
    assert flashes(response) == ["Tersimpan: 12 Tahun 2025 Perlindungan pekerja rentan"]
    regulation = Regulation.objects.get()
    response = client.post(reverse("reports:regulation-edit", args=[regulation.pk]),
                           {"kind": "perda", "number": "3 Tahun 2025", "issued_on": "2025-06-02",
                            "title": "Perlindungan pekerja rentan"}, follow=True)
    assert "peraturan daerah (Perda) 3 Tahun 2025 2 Juni 2025 Perlindungan pekerja rentan" in text(response)
    response = client.post(reverse("reports:innovation-add"), {"title": "Jemput bola", "year": "25", "description": "x"})
    assert field_error(response, "year") == "Isi tahun inovasi dimulai, mis. 2025."
    client.post(reverse("reports:innovation-add"), {"title": "Jemput bola", "year": "2026",
                                                   "description": "Petugas mendaftar petani di sawah."})
    assert Innovation.objects.get().created_by.username == "user_officer"
    changes = AuditEvent.objects.filter(action__startswith="reports.").order_by("pk")
    assert [e.action for e in changes] == ["reports.regulation_add", "reports.regulation_edit", "reports.innovation_add"]
    assert changes[1].before["number"] == "12 Tahun 2025" and changes[1].after["number"] == "3 Tahun 2025"
    pdf = client.get(reverse("reports:paritrana", args=[2026, "pdf"])).content
    pack = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "3 Tahun 2025" in pack and "Jemput bola (2026)" in pack
