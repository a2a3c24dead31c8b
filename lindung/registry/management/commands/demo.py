import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from lindung.registry.services import load_demo_register


class Command(BaseCommand):
    help = "Build a realistic synthetic register of the regency's informal workers (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=75_903, help="how many people (default 75,903)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same register")
        parser.add_argument("--replace", action="store_true", help="remove an earlier demo register first")

    def handle(self, *args, workers, seed, replace, **options):
        if workers < 1:
            raise CommandError("--workers harus lebih dari 0 / --workers must be at least 1")
        started = time.perf_counter()
        report = load_demo_register(workers=workers, seed=seed, replace=replace, today=date.today())
        if report.skipped:
            self.stdout.write(
                f"Demo register already loaded ({report.existing:,} people, {report.source}); "
                "use --replace to build it again."
            )
            return
        self.stdout.write(
            f"Demo register: {report.inserted:,} people inserted ({report.source}) "
            f"in {time.perf_counter() - started:.1f} s."
        )
