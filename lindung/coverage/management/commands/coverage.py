import json

from django.core.management.base import BaseCommand, CommandError

from lindung.coverage.indicators import coverage
from lindung.months import month_start


class Command(BaseCommand):
    help = "Coverage indicators for a month: people protected, by kecamatan, segment, sex and age band."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, month, json: bool, **options):
        try:
            month_start(month)
        except ValueError:
            raise CommandError("Bulan harus ditulis YYYY-MM / the month must be written YYYY-MM") from None
        result = coverage(month)
        if json:
            self.stdout.write(_dumps(result))
            return
        total = result["protected"]

        def share(n: int) -> str:
            return f"{n:>10,}  {n / total:6.1%}" if total else f"{n:>10,}"

        self.stdout.write(f"{month}: {total:,} people protected (at least one contribution paid for the month)")
        for title, key in (("Kecamatan", "by_kecamatan"), ("Segment", "by_segment"), ("Sex", "by_sex"),
                           ("Age band", "by_age_band")):
            self.stdout.write(f"\n{title}:")
            for code, n in result[key].items():
                self.stdout.write(f"  {code:<14} {share(n)}")


def _dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
