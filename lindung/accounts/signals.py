from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent


@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    audit.record(AuditEvent.Action.LOGIN_FAILED, username=username, summary="wrong username or password")
    register_failure(username)


def register_failure(username: str) -> None:
    """One more failure for `username`; at the limit, lock the account for a while."""
    users = get_user_model().objects.filter(username=username)
    users.update(failed_logins=F("failed_logins") + 1)
    user = users.first()
    if user is None or user.failed_logins < settings.LINDUNG_LOGIN_MAX_FAILURES or user.is_locked():
        return
    user.locked_until = timezone.now() + timedelta(minutes=settings.LINDUNG_LOGIN_LOCK_MINUTES)
    user.save(update_fields=["locked_until"])
    audit.record(
        AuditEvent.Action.LOCKED_OUT, target=user, username=username,
        summary=f"{user.failed_logins} failed logins; locked until {user.locked_until:%Y-%m-%d %H:%M} UTC",
    )


@receiver(user_logged_in)
def reset_failures(sender, request, user, **kwargs):
    get_user_model().objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit.record(AuditEvent.Action.LOGIN, user=user, target=user)


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditEvent.Action.LOGOUT, user=user, target=user)
