import os
import signal
import subprocess
import sys
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from lindung.accounts.models import Role
from lindung.accounts.services import create_user
from lindung.billing.demo import build_demo_history
from lindung.keys import var_dir
from lindung.regions.services import load_regions
from lindung.registry.models import Person
from lindung.registry.services import load_demo_register


class Command(BaseCommand):
    help = "Set up and run lindung: migrate, load regions, demo data on an empty register, web server and job worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="do not build the demo register")
        parser.add_argument("--demo-workers", type=int, default=75_903)
        parser.add_argument("--threads", type=int, default=8, help="web server threads")
        parser.add_argument("--setup-only", action="store_true", help="prepare everything, then stop")

    def handle(self, *args, host, port, no_demo, demo_workers, threads, setup_only, **options):
        self.step("Database", settings.DATABASES["default"]["NAME"])
        call_command("migrate", interactive=False, verbosity=0)
        report = load_regions()
        self.step("Regions", f"{report.rows:,} rows" + (" (already loaded)" if report.skipped else " loaded"))
        self.ensure_admin()
        if not no_demo and not Person.objects.exists():
            self.step("Demo register", f"building {demo_workers:,} people…")
            demo = load_demo_register(workers=demo_workers, seed=1, today=date.today())
            self.step("Demo register", f"{demo.inserted:,} people inserted")
            history = build_demo_history(date.today())
            self.step(
                "Contributions",
                f"{history.months} months billed on APBD, Rp {history.billed:,} billed, Rp {history.paid:,} paid",
            )
        if setup_only:
            return
        worker = subprocess.Popen([sys.executable, "-m", "lindung.cli", "db_worker"])
        # A service manager stops lindung with SIGTERM, a closed terminal with SIGHUP; by default either ends this
        # process at once and leaves the worker running without it. Stop both, as Ctrl+C does.
        for stop in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop, stopped)
        self.step("Job worker", f"running (pid {worker.pid})")
        self.step("Web server", f"http://{host}:{port}/  (Ctrl+C to stop)")
        try:
            from waitress import serve

            from lindung.wsgi import application

            serve(application, host=host, port=port, threads=threads, ident="lindung")  # returns on Ctrl+C
        except KeyboardInterrupt:
            pass
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        self.step("Stopped", "web server and job worker")

    def step(self, name: str, text: str):
        self.stdout.write(f"{name:>14}  {text}")

    def ensure_admin(self):
        """A first administrator with a generated password, written to var/admin-password (owner-only)."""
        User = get_user_model()
        path = var_dir() / "admin-password"
        if User.objects.filter(is_superuser=True).exists():
            where = f" (password in {path})" if path.exists() else ""
            self.step("Admin", f"exists{where}")
            return
        user, password = create_user("admin", role=Role.ADMIN)
        User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(password + "\n")
        self.step("Admin", f"user 'admin', password {password} (also in {path})")


def stopped(signum, frame):
    raise KeyboardInterrupt
