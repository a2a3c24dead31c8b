import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from lindung.billing.services import enrol_demo_register
from lindung.months import month_start
from lindung.registry.services import load_demo_register


class Command(BaseCommand):
    help = "Build a realistic synthetic register of the regency's informal workers (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=75_903, help="how many people (default 75,903)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same register")
        parser.add_argument("--replace", action="store_true", help="remove an earlier demo register first")
        parser.add_argument(
            "--enrol-from", metavar="YYYY-MM", help="enrol the whole demo register on APBD (JKK + JKM) from this month"
        )

    def handle(self, *args, workers, seed, replace, enrol_from, **options):
        if workers < 1:
            raise CommandError("--workers harus lebih dari 0 / --workers must be at least 1")
        if enrol_from:
            try:
                month_start(enrol_from)
            except ValueError:
                raise CommandError(f"--enrol-from harus YYYY-MM / --enrol-from must be YYYY-MM: {enrol_from!r}") from None
        started = time.perf_counter()
        report = load_demo_register(workers=workers, seed=seed, replace=replace, today=date.today())
        if report.skipped:
            self.stdout.write(
                f"Demo register already loaded ({report.existing:,} people, {report.source}); "
                "use --replace to build it again."
            )
        else:
            self.stdout.write(
                f"Demo register: {report.inserted:,} people inserted ({report.source}) "
                f"in {time.perf_counter() - started:.1f} s."
            )
        if enrol_from:
            enrolment = enrol_demo_register(enrol_from)
            self.stdout.write(
                f"Enrolled on APBD (JKK + JKM) from {enrol_from}: {enrolment.enrolled:,} new memberships, "
                f"{enrolment.already_members:,} already members."
            )
