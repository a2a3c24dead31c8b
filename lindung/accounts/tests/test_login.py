import time

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from lindung.accounts import totp
from lindung.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_logins_and_failures_are_audited_with_their_origin(client, make_user):
    user = make_user("petugas")
    page = log_in(client, "petugas", "salah-sekali").content.decode()
    assert "Nama pengguna atau kata sandi salah." in page and "nama pengguna nama pengguna" not in page
    log_in(client, "tidak-ada", "salah-sekali")
    assert log_in(client, "petugas").status_code == 302
    events = list(AuditEvent.objects.order_by("id").values_list("action", "username", "ip"))
    assert ("login_failed", "petugas", "10.1.2.3") in events
    assert ("login_failed", "tidak-ada", "10.1.2.3") in events
    assert events[-1] == ("login", "petugas", "10.1.2.3")
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(action="logout", user=user).exists()


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, make_user, settings):
    settings.LINDUNG_LOGIN_MAX_FAILURES = 3
    user = make_user("petugas")
    for _ in range(3):
        assert log_in(client, "petugas", "salah-sekali").status_code == 200
    user.refresh_from_db()
    assert user.is_locked()
    response = log_in(client, "petugas")
    assert response.status_code == 200
    assert "dikunci" in response.content.decode()
    assert AuditEvent.objects.filter(action="locked_out", username="petugas").count() == 1
    from lindung.accounts.services import unlock

    unlock(user)
    assert log_in(client, "petugas").status_code == 302


def test_a_success_resets_the_failure_count(client, make_user, settings):
    settings.LINDUNG_LOGIN_MAX_FAILURES = 3
    user = make_user("petugas")
    page = log_in(client, "petugas", "salah-sekali").content.decode()
    assert "Nama pengguna atau kata sandi salah." in page and "nama pengguna nama pengguna" not in page
    log_in(client, "petugas", "salah-sekali")
    assert log_in(client, "petugas").status_code == 302
    user.refresh_from_db()
    assert user.failed_logins == 0


def test_sessions_expire_after_idle_time(client, make_user):
    log_in(client, make_user("petugas").username)
    client.get(reverse("account"))
    assert client.session.get_expiry_age() == 30 * 60


def test_two_step_login_for_an_officer(client, make_user):
    user = make_user("petugas", "officer")
    client.force_login(user)
    page = client.get(reverse("two-step"))
    secret = page.context["secret"]
    assert 'src="data:image/svg+xml' in page.content.decode()
    wrong = client.post(reverse("two-step"), {"code": "000000" if totp.code_at(secret, time.time()) != "000000" else "111111"})
    assert "salah" in wrong.content.decode()
    client.post(reverse("two-step"), {"code": totp.code_at(secret, time.time())})
    user.refresh_from_db()
    assert user.totp_enabled and user.totp_secret == secret

    fresh = Client()
    response = log_in(fresh, "petugas")
    assert response["Location"] == reverse("login-code")
    assert fresh.get(reverse("registry:person-list")).status_code == 302  # not logged in yet
    assert "salah" in fresh.post(reverse("login-code"), {"code": "12345"}).content.decode()
    # The code that turned two-step login on is spent: it does not log in (RFC 6238, 5.2).
    assert "salah" in fresh.post(reverse("login-code"), {"code": totp.code_at(secret, time.time())}).content.decode()
    following = totp.code_at(secret, time.time() + totp.STEP)
    response = fresh.post(reverse("login-code"), {"code": following})
    assert response.status_code == 302
    assert fresh.get(reverse("registry:person-list")).status_code == 200
    # Seen over a shoulder, the same code does not log anyone in again.
    other = Client()
    log_in(other, "petugas")
    assert "salah" in other.post(reverse("login-code"), {"code": following}).content.decode()
    assert other.get(reverse("registry:person-list")).status_code == 302
    assert AuditEvent.objects.filter(action="account", summary="two-step login turned on").exists()


def test_two_step_login_is_not_offered_to_village_operators(client, make_user):
    client.force_login(make_user("op", "village_operator", villages=["32.16.04.2001"]))
    response = client.get(reverse("two-step"))
    assert response.status_code == 302


def test_the_password_rules_apply_on_change(client, make_user):
    client.force_login(make_user("petugas"))
    response = client.post(reverse("password-change"), {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert any("pendek" in e or "short" in e for e in errors)
    response = client.post(reverse("password-change"), {
        "old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.context["form"].errors["new_password1"] == ["Kata sandi baru harus berbeda dari yang sekarang."]
    response = client.post(reverse("password-change"), {
        "old_password": PASSWORD, "new_password1": "Kerbau-sawah-2026", "new_password2": "Kerbau-sawah-2026"})
    assert response.status_code == 302
