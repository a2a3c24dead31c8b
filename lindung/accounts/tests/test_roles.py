"""What each role can and cannot see and do."""
import pytest
from django.urls import reverse

from lindung.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "village_operator", "bpjs_officer", "leader"]
# role -> (registry list, person page, overview, audit log, reveal, edit)
ALLOWED = {
    "admin": (200, 200, 200, 200, 200, 200),
    "officer": (200, 200, 200, 403, 200, 200),
    "village_operator": (200, 200, 403, 403, 200, 200),
    "bpjs_officer": (403, 403, 200, 403, 403, 403),
    "leader": (403, 403, 200, 200, 403, 403),
}


@pytest.fixture
def login(client, make_user):
    def as_role(role):
        villages = ["32.16.04.2001"] if role == "village_operator" else []
        user = make_user(f"user_{role}", role, villages=villages)
        client.force_login(user)
        return user
    return as_role


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_pages(client, login, two_villages, role):
    asep, _ = two_villages
    login(role)
    got = (
        client.get(reverse("registry:person-list")).status_code,
        client.get(reverse("registry:person-detail", args=[asep.pk])).status_code,
        client.get(reverse("registry:overview")).status_code,
        client.get(reverse("audit-log")).status_code,
        client.post(reverse("registry:person-reveal", args=[asep.pk])).status_code,
        client.get(reverse("registry:person-edit", args=[asep.pk])).status_code,
    )
    assert got == ALLOWED[role]
    # Every refusal is in the audit log, with who and what.
    refused = [status for status in got if status == 403]
    denied = AuditEvent.objects.filter(action="denied", username=f"user_{role}")
    assert denied.count() == len(refused)
    if refused:
        assert "not allowed for the user's role" in denied.first().summary


@pytest.mark.parametrize("role, menu", [
    ("admin", ["Ringkasan", "Registrasi", "Impor data", "Kepesertaan", "Cakupan", "Laporan", "Iuran", "Klaim", "Log audit",
               "Akun saya"]),
    ("officer", ["Ringkasan", "Registrasi", "Impor data", "Kepesertaan", "Cakupan", "Laporan", "Iuran", "Klaim", "Akun saya"]),
    ("village_operator", ["Registrasi", "Impor data", "Laporan", "Klaim", "Akun saya"]),
    ("bpjs_officer", ["Ringkasan", "Kepesertaan", "Cakupan", "Laporan", "Iuran", "Klaim", "Akun saya"]),
    ("leader", ["Ringkasan", "Kepesertaan", "Cakupan", "Laporan", "Iuran", "Klaim", "Log audit", "Akun saya"]),
])
def test_each_role_has_its_menu(client, login, role, menu):
    import re

    login(role)
    page = client.get(reverse("account")).content.decode()
    nav = re.search(r'<nav aria-label="Menu utama">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r">([^<>]+)</a>", nav) == menu


def test_a_village_operator_sees_only_their_villages(client, login, two_villages):
    login("village_operator")
    page = client.get(reverse("registry:person-list")).content.decode()
    assert "Asep Saepudin" in page and "Siti Aminah" not in page
    assert "1 orang" in page
    by_nik = client.get(reverse("registry:person-list"), {"q": "3216084506900003"}).content.decode()
    assert "Siti Aminah" not in by_nik and "0 orang" in by_nik
    village_filter = client.get(reverse("registry:person-list"), {"village": "32.16.08.1008"}).content.decode()
    assert "Siti Aminah" not in village_filter
    assert "Telaga Asih" not in page  # the village filter offers only their own villages


def test_another_villages_person_is_refused_by_url_and_audited(client, login, two_villages):
    user = login("village_operator")
    _, siti = two_villages
    for url in [reverse("registry:person-detail", args=[siti.pk]), reverse("registry:person-edit", args=[siti.pk])]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("registry:person-reveal", args=[siti.pk])).status_code == 404
    denied = AuditEvent.objects.filter(action="denied", user=user, target_id=str(siti.pk))
    assert denied.count() == 3
    assert denied.first().ip == "127.0.0.1"
    assert not AuditEvent.objects.filter(action="view_personal_data", target_id=str(siti.pk)).exists()


def test_another_villages_person_is_refused_by_api_and_audited(client, login, two_villages):
    user = login("village_operator")
    asep, siti = two_villages
    listed = client.get("/api/people").json()
    assert [p["full_name"] for p in listed["items"]] == ["Asep Saepudin"]
    assert listed["items"][0]["nik"] == "3216********0001"
    assert client.get(f"/api/people/{asep.pk}").status_code == 200
    assert client.get(f"/api/people/{siti.pk}").status_code == 404
    assert AuditEvent.objects.filter(action="denied", user=user, target_id=str(siti.pk)).count() == 1


def test_api_needs_a_login_and_the_right_role(client, login, two_villages):
    assert client.get("/api/people").status_code == 401
    leader = login("leader")
    assert client.get("/api/people").status_code == 403
    assert AuditEvent.objects.filter(action="denied", user=leader, summary__startswith="GET /api/people").count() == 1


def test_a_village_operator_cannot_move_a_person_out_of_their_villages(client, login, two_villages):
    login("village_operator")
    asep, _ = two_villages
    form = client.get(reverse("registry:person-edit", args=[asep.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(village="32.16.08.1008", nik="3216040506900001", birth_date="1990-06-05")
    response = client.post(reverse("registry:person-edit", args=[asep.pk]), data)
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    asep.refresh_from_db()
    assert asep.village_id == "32.16.04.2001"


def test_leaders_see_aggregates_and_no_personal_data(client, login, two_villages):
    login("leader")
    page = client.get(reverse("registry:overview")).content.decode()
    assert '<span class="figure" id="total">2</span>' in page
    assert "Asep" not in page and "3216" not in page


def test_counts_follow_the_scope_too(client, make_user, two_villages):
    operator = make_user("op", "village_operator", villages=["32.16.04.2001"])
    from lindung.registry.models import Person

    assert Person.objects.in_scope_of(operator).count() == 1
    assert Person.objects.in_scope_of(make_user("boss", "officer")).count() == 2
    assert Person.objects.in_scope_of(make_user("bpjs", "bpjs_officer")).count() == 2
