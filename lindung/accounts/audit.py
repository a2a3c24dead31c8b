"""The audit trail: every login, every change, every view of unmasked personal data, every refusal.

Requests set who and from where once (AuditContextMiddleware); services and commands call record().
"""
import contextvars
from contextlib import contextmanager

from django.conf import settings

from lindung.accounts.models import AuditEvent

_actor: contextvars.ContextVar[tuple] = contextvars.ContextVar("lindung_audit_actor", default=(None, None))


def client_ip(request) -> str | None:
    if settings.LINDUNG_TRUSTED_PROXY and request.headers.get("X-Forwarded-For"):
        return request.headers["X-Forwarded-For"].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None


@contextmanager
def acting_as(user=None, ip: str | None = None):
    """Attribute the events recorded inside this block to `user` at `ip`."""
    token = _actor.set((user, ip))
    try:
        yield
    finally:
        _actor.reset(token)


def target_of(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record(action: str, *, target=None, summary: str = "", before=None, after=None, user=None,
           username: str | None = None, ip: str | None = None) -> AuditEvent:
    if action not in AuditEvent.Action.values:
        # An action the log's filter and labels do not know would be recorded, but hard to find again.
        raise ValueError(f"unknown audit action {action!r}: add it to AuditEvent.Action")
    context_user, context_ip = _actor.get()
    user = user if user is not None else context_user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    target_type, target_id = target_of(target)
    return AuditEvent.objects.create(
        user=user,
        username=username or (user.get_username() if user else ""),
        ip=ip or context_ip,
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=summary[:300],
        before=before,
        after=after,
    )


def refusal(request, reason: str, target=None) -> AuditEvent:
    """A request refused: the method and path asked for, and why."""
    return record(AuditEvent.Action.DENIED, target=target, summary=f"{request.method} {request.path}: {reason}")


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(request.user, client_ip(request)):
            return self.get_response(request)
