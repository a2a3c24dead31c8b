"""Managing users: create with a role and villages, set passwords, unlock. Each step audited."""
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent, Role
from lindung.regions.services import find_village


class UserError(ValueError):
    pass


def generated_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def create_user(username: str, *, role: str, villages=(), password: str | None = None, email: str = "",
                full_name: str = ""):
    """A user in one role. A village operator must serve at least one village (code or name)."""
    User = get_user_model()
    username = username.strip()
    if not username:
        raise UserError("nama pengguna wajib diisi / a username is required")
    try:
        User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
    except ValidationError:
        raise UserError(
            f"nama pengguna hanya boleh berisi huruf, angka, dan @ . + - _ tanpa spasi, paling panjang 150 / "
            f"a username may hold only letters, digits and @ . + - _, no spaces, at most 150: {username!r}"
        ) from None
    if role not in Role.values:
        raise UserError(f"peran tidak dikenal / unknown role {role!r}: choose one of {', '.join(Role.values)}")
    if User.objects.filter(username=username).exists():
        raise UserError(f"nama pengguna sudah dipakai / username already taken: {username!r}")
    regions = [find_village(v) for v in villages]
    if role == Role.VILLAGE_OPERATOR and not regions:
        raise UserError("operator desa harus punya desa / a village operator needs at least one --village")
    user = User(username=username, email=email, first_name=full_name, is_staff=role == Role.ADMIN)
    password = password or generated_password()
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    user.villages.set(regions)
    audit.record(
        AuditEvent.Action.ACCOUNT, target=user,
        summary=f"user {username} created as {role}" + (f" for {', '.join(r.code for r in regions)}" if regions else ""),
    )
    return user, password


def set_password(user, password: str | None = None) -> str:
    password = password or generated_password()
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(AuditEvent.Action.ACCOUNT, target=user, summary=f"password of {user.username} set")
    return password


def unlock(user) -> None:
    type(user).objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit.record(AuditEvent.Action.ACCOUNT, target=user, summary=f"{user.username} unlocked")
