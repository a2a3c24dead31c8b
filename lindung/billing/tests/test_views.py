"""The billing screens: invoices and the billing run, one invoice with its payments, a payer's statement,
enrolment, and the protection strip on a person's page, for each role."""
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.models import AuditEvent
from lindung.billing.models import ContributionLine, Invoice, Membership, Payment
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.months import add_months, month_of
from lindung.programmes.models import Payer
from lindung.registry.models import Person
from lindung.registry.services import create_person
from lindung.tests.pages import text, flashes

pytestmark = pytest.mark.django_db

THIS_MONTH = month_of(timezone.localdate())
LAST_MONTH = add_months(THIS_MONTH, -1)
PER_MEMBER = 16_800  # JKK 1 % of the Rp 1,000,000 minimum basis + JKM Rp 6,800, paid from APBD
ROLES = ["admin", "officer", "village_operator", "bpjs_officer", "leader"]


@pytest.fixture
def people(two_villages):
    """Asep (Tambelang), Siti (Cikarang Barat), then Budi (Tambelang), registered in that order."""
    asep, siti = two_villages
    budi = create_person(source="test", nik="3216040107850002", kk=None, phone=None, full_name="Budi Santoso",
                         birth_date=date(1985, 7, 1), sex="L", village_id="32.16.04.2001", segment_id="fisher",
                         income=2_500_000)
    return asep, siti, budi


@pytest.fixture
def apbd():
    return Payer.objects.get(kind="apbd")


@pytest.fixture
def billed(people, apbd):
    """Everyone on APBD (JKK+JKM) from last month; last month and this month billed. Returns last month's invoice."""
    enrol(Person.objects.all(), ["JKK", "JKM"], apbd, LAST_MONTH)
    run_billing(LAST_MONTH)
    run_billing(THIS_MONTH)
    return Invoice.objects.get(month=LAST_MONTH, payer=apbd)


# Who reaches what -----------------------------------------------------------------------------------

# role -> (invoices, one invoice, statement, enrolment)
ALLOWED = {
    "admin": (200, 200, 200, 200),
    "officer": (200, 200, 200, 200),
    "village_operator": (403, 403, 403, 403),
    "bpjs_officer": (200, 200, 200, 403),
    "leader": (200, 200, 200, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_billing_pages(client, login, billed, apbd, role):
    login(role)
    got = (
        client.get(reverse("billing:index")).status_code,
        client.get(reverse("billing:invoice", args=[billed.pk])).status_code,
        client.get(reverse("billing:statement", args=[apbd.pk])).status_code,
        client.get(reverse("billing:enrol")).status_code,
    )
    assert got == ALLOWED[role]


def test_the_billing_pages_need_a_login(client, billed):
    response = client.get(reverse("billing:invoice", args=[billed.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role, shown", [("officer", True), ("leader", True), ("bpjs_officer", True),
                                         ("village_operator", False)])
def test_the_menu_offers_contributions_to_those_who_see_invoices(client, login, role, shown):
    login(role)
    page = client.get(reverse("account")).content.decode()
    nav = re.search(r'<nav aria-label="Menu utama">(.*?)</nav>', page, re.S).group(1)
    assert (">Iuran</a>" in nav) is shown


# The list and the billing run -----------------------------------------------------------------------


def test_the_list_shows_months_newest_first_with_status(client, login, billed):
    login("officer")
    record_payment(billed, PER_MEMBER, timezone.localdate())
    page = text(client.get(reverse("billing:index")))
    this_month = Invoice.objects.get(month=THIS_MONTH)
    assert page.index(this_month.number) < page.index(billed.number)
    assert "APBD Pemerintah Daerah" in page
    assert "50.400" in page and "33.600" in page  # three members billed; one paid on last month's invoice
    assert "sebagian" in page and "belum dibayar" in page


def test_an_officer_runs_billing_from_the_form(client, login, people, apbd):
    login("officer")
    enrol(Person.objects.all(), ["JKK", "JKM"], apbd, THIS_MONTH)
    page = client.get(reverse("billing:index")).content.decode()
    assert f'value="{THIS_MONTH}"' in page  # the current month by default
    response = client.post(reverse("billing:index"), {"month": THIS_MONTH}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("billing:index")
    [flash] = flashes(response)
    assert "3 peserta" in flash and "Rp 50.400" in flash and "selesai" in flash
    assert Invoice.objects.get(month=THIS_MONTH).total == 3 * PER_MEMBER
    again = client.post(reverse("billing:index"), {"month": THIS_MONTH}, follow=True)
    [flash] = flashes(again)
    assert "tidak ada perubahan" in flash and "Rp 50.400" in flash


def test_the_billing_run_reports_nothing_changed_in_english(client, login, billed):
    user = login("officer")
    user.language = "en"
    user.save()
    response = client.post(reverse("billing:index"), {"month": THIS_MONTH}, follow=True)
    [flash] = flashes(response)
    assert "nothing changed" in flash and "Rp 50,400" in flash


def test_a_bad_month_is_refused_beside_the_field(client, login, people):
    login("officer")
    response = client.post(reverse("billing:index"), {"month": "2026-13"})
    assert response.status_code == 200
    error = re.search(r'<div class="field-error" id="id_month_error" role="alert">(.*?)</div>', response.content.decode(), re.S)
    assert error and "YYYY-MM" in error.group(1)
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("role", ["leader", "bpjs_officer"])
def test_those_who_only_look_cannot_run_billing(client, login, people, apbd, role):
    login(role)
    enrol(Person.objects.all(), ["JKK", "JKM"], apbd, THIS_MONTH)
    assert "Jalankan penagihan" not in client.get(reverse("billing:index")).content.decode()
    assert client.post(reverse("billing:index"), {"month": THIS_MONTH}).status_code == 403
    assert not Invoice.objects.exists()


# One invoice ----------------------------------------------------------------------------------------


def test_the_invoice_page_shows_header_breakdowns_and_who_is_unprotected(client, login, billed):
    login("officer")
    response = client.get(reverse("billing:invoice", args=[billed.pk]))
    page = text(response)
    assert billed.number in page and "APBD Pemerintah Daerah" in page
    assert "Rp 50.400" in page  # total and outstanding
    assert "Tambelang" in page and "Cikarang Barat" in page  # by kecamatan
    assert "Petani" in page and "Nelayan" in page  # by segment
    assert "Jaminan Kecelakaan Kerja" in page and "Jaminan Kematian" in page  # by programme
    assert "Peserta belum terlindungi bulan ini" in page and "3 peserta" in page
    for name in ("Asep Saepudin", "Siti Aminah", "Budi Santoso"):
        assert name in page
    assert "3216********0001" in page and "3216040506900001" not in page
    html = response.content.decode()
    assert reverse("billing:invoice_xlsx", args=[billed.pk]) in html
    assert reverse("billing:invoice_pdf", args=[billed.pk]) in html


def test_choosing_a_kecamatan_shows_its_villages(client, login, billed):
    login("officer")
    page = text(client.get(reverse("billing:invoice", args=[billed.pk]), {"kecamatan": "32.16.04"}))
    assert "Desa di Kecamatan Tambelang" in page
    assert "Sukawijaya" in page
    # The unprotected list narrows to the kecamatan too.
    assert "Asep Saepudin" in page and "Budi Santoso" in page and "Siti Aminah" not in page
    unknown = text(client.get(reverse("billing:invoice", args=[billed.pk]), {"kecamatan": "99.99.99"}))
    assert "Desa di Kecamatan" not in unknown and "Siti Aminah" in unknown


def test_a_partial_payment_from_the_form_shrinks_the_unprotected_list(client, login, billed):
    user = login("officer")
    url = reverse("billing:invoice", args=[billed.pk])
    response = client.post(url, {"amount": "Rp 40.000", "paid_on": timezone.localdate().isoformat(),
                                 "reference": "SP2D 0042", "area": ""}, follow=True)
    assert response.redirect_chain[-1][0] == url
    [flash] = flashes(response)
    # Rp 40,000 pays two whole members (2 x 16,800) in order of registration; Rp 6,400 stays as credit.
    assert "Rp 40.000" in flash and "Rp 33.600" in flash and "2 peserta" in flash and "Rp 6.400" in flash
    page = text(response)
    assert "1 peserta dengan iuran belum dibayar" in page
    unprotected = response.content.decode().split('id="unprotected-members"')[1]
    assert "Budi Santoso" in unprotected and "Asep Saepudin" not in unprotected and "Siti Aminah" not in unprotected
    assert "SP2D 0042" in page and "user_officer" in page
    payment = Payment.objects.get()
    assert (payment.amount, payment.allocated, payment.recorded_by) == (40_000, 33_600, user)
    billed.refresh_from_db()
    assert billed.paid == 33_600
    assert AuditEvent.objects.filter(action="billing.payment", user=user).exists()


@pytest.mark.parametrize("payments, members_paid", [
    ([3 * PER_MEMBER], [3]),
    ([40_000, PER_MEMBER], [2, 1]),
    ([PER_MEMBER, 2 * PER_MEMBER], [1, 2]),
])
def test_the_audit_log_counts_the_members_each_payment_paid(billed, payments, members_paid):
    for amount in payments:
        record_payment(Invoice.objects.get(pk=billed.pk), amount, timezone.localdate())
    logged = AuditEvent.objects.filter(action="billing.payment").order_by("pk").values_list("after", flat=True)
    assert [after["members_paid"] for after in logged] == members_paid


def test_a_payment_for_one_kecamatan_pays_only_its_members(client, login, billed):
    login("officer")
    url = reverse("billing:invoice", args=[billed.pk])
    client.post(url, {"amount": str(2 * PER_MEMBER), "paid_on": timezone.localdate().isoformat(), "area": "32.16.08"})
    paid = set(ContributionLine.objects.filter(month=LAST_MONTH, payment__isnull=False).values_list("person__full_name", flat=True))
    assert paid == {"Siti Aminah"}
    page = text(client.get(url))
    assert "Cikarang Barat (32.16.08)" in page and "Rp 16.800" in page


@pytest.mark.parametrize("fields, error", [
    ({"amount": "60000"}, "melebihi"),
    ({"amount": "satu juta"}, "rupiah"),
    ({"amount": "0"}, "lebih dari 0"),
    ({"paid_on": "2999-01-01"}, "masa depan"),
    ({"paid_on": "1900-01-01"}, "tidak mungkin dibayar sebelum"),
    ({"amount": "16.800,50"}, "rupiah"),   # part of a rupiah: refused, never read as Rp 1.680.050
    ({"amount": "9" * 30}, "rupiah"),
])
def test_a_wrong_payment_is_refused_beside_its_field(client, login, billed, fields, error):
    login("officer")
    data = {"amount": "16800", "paid_on": timezone.localdate().isoformat(), "reference": "", "area": "", **fields}
    response = client.post(reverse("billing:invoice", args=[billed.pk]), data)
    assert response.status_code == 200
    field = next(iter(fields))
    message = re.search(rf'id="id_{field}_error" role="alert">(.*?)</div>', response.content.decode(), re.S)
    assert message and error in message.group(1)
    assert not Payment.objects.exists()


def test_a_fully_paid_invoice_offers_no_payment_form(client, login, billed):
    login("officer")
    record_payment(billed, billed.total, timezone.localdate())
    page = text(client.get(reverse("billing:invoice", args=[billed.pk])))
    assert "lunas" in page and "Tagihan ini sudah lunas." in page
    assert "Semua peserta tagihan ini sudah dibayar." in page


@pytest.mark.parametrize("role", ["leader", "bpjs_officer"])
def test_leaders_see_aggregates_but_no_names_or_nik(client, login, billed, role):
    login(role)
    response = client.get(reverse("billing:invoice", args=[billed.pk]))
    page = text(response)
    assert "Tambelang" in page and "Rp 50.400" in page
    assert "Asep Saepudin" not in page and "Siti Aminah" not in page
    assert "3216********" not in page
    assert "Peserta belum terlindungi" not in page
    assert "Catat pembayaran" not in page
    html = response.content.decode()
    assert reverse("billing:invoice_pdf", args=[billed.pk]) in html
    assert reverse("billing:invoice_xlsx", args=[billed.pk]) not in html  # the workbook lists members by name
    post = client.post(reverse("billing:invoice", args=[billed.pk]), {"amount": "16800", "paid_on": "2026-01-05"})
    assert post.status_code == 403 and not Payment.objects.exists()


def test_the_unprotected_list_is_paginated(client, login, people, apbd):
    for serial in range(1, 27):
        create_person(source="test", nik=f"32160405069{serial + 10:05d}", full_name=f"Orang {serial:02d}",
                      birth_date=date(1990, 6, 5), sex="L", village_id="32.16.04.2001", segment_id="farmer")
    enrol(Person.objects.all(), ["JKK", "JKM"], apbd, THIS_MONTH)
    run_billing(THIS_MONTH)
    invoice = Invoice.objects.get(month=THIS_MONTH)
    login("officer")
    first = text(client.get(reverse("billing:invoice", args=[invoice.pk])))
    assert "29 peserta dengan iuran belum dibayar" in first and "Halaman 1 dari 2" in first
    assert "Orang 22" in first and "Orang 23" not in first
    second = text(client.get(reverse("billing:invoice", args=[invoice.pk]), {"page": 2}))
    assert "Orang 23" in second and "Orang 26" in second


# The payer's statement ------------------------------------------------------------------------------


def test_the_statement_lists_every_invoice_with_totals_and_arrears(client, login, billed, apbd):
    login("leader")
    record_payment(billed, billed.total, timezone.localdate())
    page = text(client.get(reverse("billing:statement", args=[apbd.pk])))
    this_month = Invoice.objects.get(month=THIS_MONTH)
    assert billed.number in page and this_month.number in page
    assert "Rp 100.800" in page  # billed: two months of three members
    assert "Rp 50.400" in page  # paid, and the arrears
    assert "tunggakan" in page and 'id="credit"' not in client.get(reverse("billing:statement", args=[apbd.pk])).content.decode()
    # Money too small for the next whole member is shown as received, not lost from the statement.
    this_month = Invoice.objects.get(month=THIS_MONTH)
    record_payment(this_month, 10_000, timezone.localdate())
    html = client.get(reverse("billing:statement", args=[apbd.pk])).content.decode()
    assert 'id="credit">Rp 10.000<' in html and "diterima, belum dialokasikan" in html


def test_the_statement_filters_by_year(client, login, people, apbd):
    enrol(Person.objects.all(), ["JKK", "JKM"], apbd, "2025-12")
    run_billing("2025-12")
    run_billing("2026-01")
    login("officer")
    url = reverse("billing:statement", args=[apbd.pk])
    everything = text(client.get(url))
    assert "INV/202512/" in everything and "INV/202601/" in everything
    only_2026 = text(client.get(url, {"year": "2026"}))
    assert "INV/202601/" in only_2026 and "INV/202512/" not in only_2026
    assert "Rp 50.400" in only_2026
    assert client.get(url, {"year": "1999"}).status_code == 200  # not a year of this payer: a field error


# Enrolment ------------------------------------------------------------------------------------------


def test_the_enrolment_form_starts_with_jkk_and_jkm_on_the_minimum_basis(client, login):
    login("officer")
    html = client.get(reverse("billing:enrol")).content.decode()
    assert re.search(r'value="JKK"[^>]*checked', html) and re.search(r'value="JKM"[^>]*checked', html)
    assert not re.search(r'value="JHT"[^>]*checked', html)
    assert not re.search(r'name="declared_income"[^>]*checked', html)
    assert f'value="{THIS_MONTH}"' in html
    assert "Konfirmasi" not in html


def test_enrolment_previews_then_enrols_on_confirmation(client, login, people, apbd):
    user = login("officer")
    url = reverse("billing:enrol")
    choices = {"segments": ["farmer"], "area": "", "payer": apbd.pk, "programmes": ["JKK", "JKM"],
               "start_month": THIS_MONTH}
    preview = client.post(url, {**choices, "action": "preview"})
    page = text(preview)
    assert "2 orang di registrasi cocok" in page  # Asep and Siti are farmers, Budi a fisher
    assert "Konfirmasi: 4 kepesertaan baru" in page
    assert not Membership.objects.exists()
    checked = re.search(r'name="checked" value="([0-9a-f]+)"', preview.content.decode()).group(1)
    response = client.post(url, {**choices, "action": "confirm", "checked": checked}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("billing:index")
    [flash] = flashes(response)
    assert "4 kepesertaan" in flash and "JKK 2, JKM 2" in flash
    assert set(Membership.objects.values_list("person__full_name", "programme_id", "payer", "start_month",
                                              "declared_income", "created_by")) == {
        (name, programme, apbd.pk, THIS_MONTH, None, user.pk)
        for name in ("Asep Saepudin", "Siti Aminah") for programme in ("JKK", "JKM")
    }
    again = text(client.post(url, {**choices, "action": "preview"}))
    assert "2 orang di registrasi cocok" in again and "Konfirmasi" not in again  # both already members


def test_enrolment_by_village_on_declared_income(client, login, people, apbd):
    login("officer")
    url = reverse("billing:enrol")
    choices = {"area": "32.16.04.2001", "payer": apbd.pk, "programmes": ["JHT"], "start_month": THIS_MONTH,
               "declared_income": "on"}
    preview = client.post(url, {**choices, "action": "preview"})
    assert "2 orang di registrasi cocok" in text(preview)  # Asep and Budi live in Sukawijaya
    checked = re.search(r'name="checked" value="([0-9a-f]+)"', preview.content.decode()).group(1)
    client.post(url, {**choices, "action": "confirm", "checked": checked})
    assert dict(Membership.objects.values_list("person__full_name", "declared_income")) == {
        "Asep Saepudin": 1_500_000, "Budi Santoso": 2_500_000}


def test_confirming_other_choices_than_previewed_shows_a_new_preview(client, login, people, apbd):
    login("officer")
    url = reverse("billing:enrol")
    choices = {"segments": ["farmer"], "payer": apbd.pk, "programmes": ["JKK", "JKM"], "start_month": THIS_MONTH}
    preview = client.post(url, {**choices, "action": "preview"})
    checked = re.search(r'name="checked" value="([0-9a-f]+)"', preview.content.decode()).group(1)
    response = client.post(url, {**choices, "segments": ["fisher"], "action": "confirm", "checked": checked})
    assert response.status_code == 200 and "Pilihan berubah" in text(response)
    assert "1 orang di registrasi cocok" in text(response)
    assert not Membership.objects.exists()


def test_enrolment_needs_a_programme_and_a_month(client, login, people, apbd):
    login("officer")
    response = client.post(reverse("billing:enrol"), {"payer": apbd.pk, "start_month": "januari", "action": "preview"})
    html = response.content.decode()
    assert 'id="id_programmes_error"' in html and 'id="id_start_month_error"' in html
    assert not Membership.objects.exists()


@pytest.mark.parametrize("role", ["leader", "bpjs_officer", "village_operator"])
def test_only_officers_enrol(client, login, people, apbd, role):
    login(role)
    response = client.post(reverse("billing:enrol"), {"payer": apbd.pk, "programmes": ["JKK"],
                                                      "start_month": THIS_MONTH, "action": "confirm"})
    assert response.status_code == 403 and not Membership.objects.exists()


# The person page ------------------------------------------------------------------------------------


def strip_of(response) -> dict[str, str]:
    """Month -> status class of each cell of the month strip."""
    cells = re.findall(r'<li class="month status-(\w+)" title="[^"]*" data-month="([\d-]+)"', response.content.decode())
    return {month: status for status, month in cells}


def test_the_person_page_shows_memberships_and_the_month_strip(client, login, billed, people):
    asep, _, _ = people
    record_payment(billed, PER_MEMBER, timezone.localdate())  # pays Asep, first registered, for last month
    login("officer")
    response = client.get(reverse("registry:person-detail", args=[asep.pk]))
    page = text(response)
    assert "Kepesertaan BPJS Ketenagakerjaan" in page
    assert "Jaminan Kecelakaan Kerja" in page and "APBD Pemerintah Daerah" in page and "aktif" in page
    strip = strip_of(response)
    assert len(strip) == 24 and max(strip) == THIS_MONTH
    assert strip[LAST_MONTH] == "protected"
    assert strip[THIS_MONTH] == "unpaid"
    assert strip[add_months(LAST_MONTH, -1)] == "not_member"
    assert "terlindungi" in page and "belum dibayar" in page  # the text read out for each month
    assert 'class="legend"' in response.content.decode()


def test_a_village_operator_sees_the_strip_of_their_own_villagers(client, login, billed, people):
    asep, siti, _ = people
    login("village_operator")
    response = client.get(reverse("registry:person-detail", args=[asep.pk]))
    assert strip_of(response)[THIS_MONTH] == "unpaid"
    assert client.get(reverse("registry:person-detail", args=[siti.pk])).status_code == 404


def test_someone_never_enrolled_has_no_strip(client, login, people):
    asep, _, _ = people
    login("officer")
    response = client.get(reverse("registry:person-detail", args=[asep.pk]))
    assert "Belum menjadi peserta program apa pun." in text(response)
    assert not strip_of(response)


# Documents to sign -------------------------------------------------------------------------------------


def test_an_officer_downloads_the_invoice_as_xlsx_and_pdf_and_each_download_is_audited(client, login, billed):
    import io

    import openpyxl
    import pypdf

    login("officer")
    xlsx = client.get(reverse("billing:invoice_xlsx", args=[billed.pk]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == f'attachment; filename="tagihan-{LAST_MONTH}-apbd.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert {"Tagihan", "Peserta"} <= set(workbook.sheetnames)
    assert workbook["Peserta"].max_row == 2 + 3  # a title, a header and the three members
    pdf = client.get(reverse("billing:invoice_pdf", args=[billed.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert billed.number in pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    downloads = AuditEvent.objects.filter(action="billing.invoice_download")
    assert downloads.count() == 2


def test_a_leader_gets_the_pdf_of_aggregates_but_not_the_workbook_of_names(client, login, billed):
    login("leader")
    assert client.get(reverse("billing:invoice_xlsx", args=[billed.pk])).status_code == 403
    assert client.get(reverse("billing:invoice_pdf", args=[billed.pk])).status_code == 200


def test_a_village_operator_gets_no_invoice(client, login, billed):
    login("village_operator")
    assert client.get(reverse("billing:invoice_pdf", args=[billed.pk])).status_code == 403
    assert client.get(reverse("billing:invoice_xlsx", args=[billed.pk])).status_code == 403
