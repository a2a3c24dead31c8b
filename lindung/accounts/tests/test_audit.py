import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.registry.services import update_person

pytestmark = pytest.mark.django_db


def test_the_audit_log_cannot_be_changed_or_emptied():
    event = audit.record(AuditEvent.Action.ACCOUNT, summary="first")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(summary="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize("statement", [
    "UPDATE accounts_auditevent SET summary = 'rewritten'",
    "DELETE FROM accounts_auditevent",
])
def test_the_database_refuses_to_rewrite_the_audit_log(statement):
    audit.record(AuditEvent.Action.ACCOUNT, summary="first")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(summary="first").exists()


def test_revealing_personal_data_is_audited_and_shown_on_the_persons_page(client, make_user, two_villages):
    asep, _ = two_villages
    officer = make_user("petugas", "officer")
    client.force_login(officer)
    masked = client.get(reverse("registry:person-detail", args=[asep.pk])).content.decode()
    assert "3216040506900001" not in masked and "Belum ada." in masked
    revealed = client.post(reverse("registry:person-reveal", args=[asep.pk]), REMOTE_ADDR="10.9.8.7").content.decode()
    assert "3216040506900001" in revealed and "3216040101100007" in revealed and "081234567890" in revealed
    event = AuditEvent.objects.get(action="view_personal_data")
    assert (event.user, event.ip, event.target_type, event.target_id) == (officer, "10.9.8.7", "registry.person", str(asep.pk))
    again = client.get(reverse("registry:person-detail", args=[asep.pk])).content.decode()
    assert "petugas" in again.split('id="lookers"')[1] and "10.9.8.7" in again


def test_a_change_is_audited_with_before_and_after(client, make_user, two_villages):
    asep, _ = two_villages
    officer = make_user("petugas", "officer")
    update_person(asep, source="koreksi", user=officer, full_name="Asep S.", phone="081299998888")
    event = AuditEvent.objects.get(action="update")
    assert event.user == officer
    assert event.before == {"full_name": "Asep Saepudin", "phone": "0812*****890"}
    assert event.after == {"full_name": "Asep S.", "phone": "0812*****888"}


def test_editing_on_screen_shows_errors_beside_fields_and_records_the_change(client, make_user, two_villages):
    asep, _ = two_villages
    client.force_login(make_user("petugas", "officer"))
    url = reverse("registry:person-edit", args=[asep.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    assert AuditEvent.objects.filter(action="view_personal_data", target_id=str(asep.pk)).count() == 1
    data.update(nik="3.21601E+15", welfare_decile="11", birth_date="1990-06-05", village="32.16.04.2001")
    page = client.post(url, data).content.decode()
    assert 'id="id_nik_error"' in page and "Excel" in page
    assert 'id="id_welfare_decile_error"' in page
    assert 'aria-describedby="id_nik_error"' in page
    # Letters for a phone, a negative income: refused beside their fields, the phone on file kept.
    phone_before = asep.phone
    data.update(nik="3216040506900001", welfare_decile="3", phone="abc", income="-5")
    page = client.post(url, data).content.decode()
    assert 'id="id_phone_error"' in page and 'id="id_income_error"' in page
    asep.refresh_from_db()
    assert asep.phone == phone_before
    data.update(phone=phone_before or "", income="", occupation="Petani padi sawah")
    assert client.post(url, data).status_code == 302
    asep.refresh_from_db()
    assert (asep.welfare_decile, asep.occupation) == (3, "Petani padi sawah")
    history = client.get(reverse("registry:person-detail", args=[asep.pk])).content.decode()
    assert "<b>pekerjaan</b>:" in history and "→ Petani padi sawah" in history and "<b>occupation</b>" not in history
    assert AuditEvent.objects.filter(action="update", target_id=str(asep.pk)).exists()


def test_the_audit_log_can_be_searched(client, make_user, two_villages):
    asep, _ = two_villages
    auditor = make_user("auditor", "leader")
    officer = make_user("petugas", "officer")
    client.force_login(officer)
    client.post(reverse("registry:person-reveal", args=[asep.pk]))
    client.force_login(auditor)
    page = client.get(reverse("audit-log"), {"user": "petugas", "action": "view_personal_data"})
    assert page.context["page"].paginator.count == 1
    page = client.get(reverse("audit-log"), {"target": f"registry.person:{asep.pk}"})
    assert {e.action for e in page.context["page"]} >= {"create", "view_personal_data"}
    assert "3216040506900001" not in page.content.decode()


def test_the_modules_actions_are_named_and_found_in_the_log(client, make_user):
    from lindung.accounts import audit

    client.force_login(make_user("auditor", "leader"))
    audit.record("billing.payment", summary="Rp 16.800 for INV/202601/001")
    page = client.get(reverse("audit-log"), {"action": "billing.payment"}).content.decode()
    assert "pembayaran dicatat" in page and "INV/202601/001" in page
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("billing.pay", summary="a typing error in the code")
