import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lindung.accounts import audit
from lindung.accounts.models import Role
from lindung.accounts.services import UserError, create_user, set_password, unlock
from lindung.regions.services import RegionAmbiguous, RegionNotFound


class Command(BaseCommand):
    help = "Manage users: add (with a role and villages), list, set-password, unlock."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a user; prints a generated password unless --password-stdin")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--village", action="append", default=[],
                         help="a village the operator serves, by code or name (repeat for several)")
        add.add_argument("--email", default="")
        add.add_argument("--name", default="", help="full name")
        add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        sub.add_parser("list", help="list users with their role and villages")
        passwd = sub.add_parser("set-password", help="set a new password (generated unless --password-stdin)")
        passwd.add_argument("username")
        passwd.add_argument("--password-stdin", action="store_true")
        unlock_parser = sub.add_parser("unlock", help="lift a lockout after failed logins")
        unlock_parser.add_argument("username")

    def handle(self, *args, action, **options):
        with audit.acting_as(None, None):
            try:
                getattr(self, action.replace("-", "_"))(**options)
            except (UserError, RegionNotFound, RegionAmbiguous) as e:
                raise CommandError(str(e) if not isinstance(e, RegionNotFound) else
                                   f"desa tidak ditemukan / village not found: {e}") from None
            except ValidationError as e:
                raise CommandError("kata sandi ditolak / password refused: " + " ".join(e.messages)) from None

    def add(self, username, role, village, email, name, password_stdin, **options):
        password = sys.stdin.readline().strip() if password_stdin else None
        user, password = create_user(username, role=role, villages=village, password=password, email=email, full_name=name)
        self.stdout.write(f"User {user.username} ({role}) created.")
        if not password_stdin:
            self.stdout.write(f"Password: {password}")

    def list(self, **options):
        for user in get_user_model().objects.prefetch_related("groups", "villages").order_by("username"):
            villages = ", ".join(v.code for v in user.villages.all())
            locked = " LOCKED" if user.is_locked() else ""
            self.stdout.write(f"{user.username}\t{user.role or ('superuser' if user.is_superuser else '-')}\t{villages}{locked}")

    def set_password(self, username, password_stdin, **options):
        password = set_password(self.user(username), sys.stdin.readline().strip() if password_stdin else None)
        if not password_stdin:
            self.stdout.write(f"Password: {password}")

    def unlock(self, username, **options):
        unlock(self.user(username))
        self.stdout.write(f"{username} unlocked.")

    def user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"pengguna tidak ada / no such user: {username!r}")
        return user
