from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from lindung.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def users(*args) -> str:
    out = StringIO()
    call_command("users", *args, stdout=out)
    return out.getvalue()


def test_add_a_village_operator_by_village_names():
    out = users("add", "siti", "--role", "village_operator", "--village", "Desa Sukawijaya",
                "--village", "Telaga Asih, Cikarang Barat")
    assert "Password: " in out
    siti = get_user_model().objects.get(username="siti")
    assert siti.role == "village_operator"
    assert sorted(siti.villages.values_list("code", flat=True)) == ["32.16.04.2001", "32.16.08.1008"]
    assert siti.check_password(out.split("Password: ")[1].strip())
    assert AuditEvent.objects.filter(action="account", target_id=str(siti.pk)).exists()
    listed = users("list")
    assert "siti\tvillage_operator\t32.16.04.2001, 32.16.08.1008" in listed


def test_a_password_from_stdin_must_follow_the_rules(monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO("12345678\n"))
    with pytest.raises(CommandError, match="password refused"):
        users("add", "budi", "--role", "officer", "--password-stdin")
    monkeypatch.setattr("sys.stdin", StringIO("Padi-menguning-2026\n"))
    out = users("add", "budi", "--role", "officer", "--password-stdin")
    assert "Password" not in out
    assert get_user_model().objects.get(username="budi").check_password("Padi-menguning-2026")


@pytest.mark.parametrize("args, message", [
    (["add", "x", "--role", "village_operator"], "village"),
    (["add", "x", "--role", "village_operator", "--village", "Kampung Entah"], "village not found"),
    (["add", "x", "--role", "village_operator", "--village", "31.71.01.1001"], "village not found"),
    (["add", "", "--role", "officer"], "a username is required"),
    (["add", "  ", "--role", "officer"], "a username is required"),
    (["add", "siti aminah", "--role", "officer"], "no spaces"),
    (["add", "x" * 151, "--role", "officer"], "at most 150"),
])
def test_bad_input_is_refused_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        users(*args)
    assert not get_user_model().objects.exists()


def test_unlock_and_set_password(make_user):
    from django.utils import timezone

    user = make_user("petugas")
    get_user_model().objects.filter(pk=user.pk).update(locked_until=timezone.now() + timezone.timedelta(minutes=5))
    users("unlock", "petugas")
    user.refresh_from_db()
    assert not user.is_locked()
    out = users("set-password", "petugas")
    user.refresh_from_db()
    assert user.check_password(out.split("Password: ")[1].strip())
    with pytest.raises(CommandError, match="no such user"):
        users("unlock", "nobody")
