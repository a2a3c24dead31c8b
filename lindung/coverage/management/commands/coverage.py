import json
import sys

from django.core.management.base import BaseCommand, CommandError

from lindung.coverage.indicators import coverage
from lindung.management.arguments import month_argument, payer_argument
from lindung.months import month_start


class Command(BaseCommand):
    help = (
        "Coverage indicators for a month: people protected, by kecamatan, segment, sex and age band; "
        "`refresh` rebuilds the figures kept per month; `denominators` imports a BPS working-population table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--segment", help="only people counted under this segment code")
        parser.add_argument("--payer", help="only what this payer paid (id, name or kind)")
        parser.add_argument("--json", action="store_true")
        sub = parser.add_subparsers(dest="action")
        refresh = sub.add_parser("refresh", help="rebuild the coverage figures of a month, or of every month")
        refresh.add_argument("--month", dest="refresh_month", help="YYYY-MM (default: every month with history)")
        refresh.add_argument("--json", dest="refresh_json", action="store_true")
        denominators = sub.add_parser("denominators", help="import the working population per kecamatan (BPS table)")
        denominators.add_argument("file", help="CSV or XLSX: kecamatan name or code, and the count")
        denominators.add_argument("--year", type=int, required=True)
        denominators.add_argument("--source", required=True, help="where the figures come from (e.g. BPS publication)")
        denominators.add_argument("--json", dest="denominators_json", action="store_true")

    def handle(self, *args, action=None, **options):
        if action == "refresh":
            return self.refresh(options["refresh_month"], options["refresh_json"])
        if action == "denominators":
            return self.denominators(options["file"], options["year"], options["source"], options["denominators_json"])
        return self.indicators(options["month"], options["segment"], options["payer"], options["json"])

    def indicators(self, month, segment, payer, as_json: bool):
        if month is None:
            raise CommandError("--month wajib diisi (YYYY-MM) / --month is required (YYYY-MM)")
        try:
            month_start(month)
        except ValueError:
            raise CommandError("Bulan harus ditulis YYYY-MM / the month must be written YYYY-MM") from None
        if segment is not None:
            from lindung.registry.models import Segment

            if not Segment.objects.filter(code=segment).exists():
                known = ", ".join(Segment.objects.values_list("code", flat=True))
                raise CommandError(f"Segmen tidak dikenal: {segment!r} / unknown segment {segment!r}. Known: {known}")
        result = coverage(month, segment=segment, payer=payer_argument(payer) if payer else None)
        if as_json:
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

    def refresh(self, month, as_json: bool):
        from lindung.coverage.aggregate import refresh_all, refresh_coverage

        if month is not None:
            result = {month_argument(month): refresh_coverage(month)}
        else:
            show = not as_json and sys.stderr.isatty()

            def progress(done, total):
                if show:
                    width = 30
                    filled = width * done // total
                    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
                    sys.stderr.flush()

            result = refresh_all(progress=progress)
            if show:
                sys.stderr.write("\n")
        if as_json:
            self.stdout.write(_dumps({"refreshed": result}))
            return
        for m, protected in result.items():
            self.stdout.write(f"{m}: {protected:,} people protected")
        self.stdout.write(f"{len(result)} month(s) refreshed")

    def denominators(self, path, year, source, as_json: bool):
        from lindung.coverage.denominators import import_denominators

        result = import_denominators(path, year, source)
        if as_json:
            self.stdout.write(_dumps(result.as_json()))
        elif result.ok:
            self.stdout.write(
                f"{result.file}: {result.saved} areas, {result.total:,} working people in {result.year} "
                f"({result.replaced} figures of that year replaced); source: {result.source}"
            )
        if not result.ok:
            lines = [f"row {e.row}: {e.message}" if e.row else e.message for e in result.errors]
            raise CommandError("Tidak ada yang disimpan / nothing was saved:\n" + "\n".join(lines))

def _dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
