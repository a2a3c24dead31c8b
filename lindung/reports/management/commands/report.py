from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.accounts import audit
from lindung.reports.paritrana import ReportError, paritrana_pdf, paritrana_xlsx

WRITERS = {".pdf": paritrana_pdf, ".xlsx": paritrana_xlsx}


class Command(BaseCommand):
    help = "Reports: `report paritrana --year YYYY --out FILE.pdf|FILE.xlsx` writes the Paritrana self-assessment pack."

    def add_arguments(self, parser):
        reports = parser.add_subparsers(dest="report", required=True)
        paritrana = reports.add_parser("paritrana", help="the Paritrana self-assessment pack for a year")
        paritrana.add_argument("--year", type=int, required=True, help="YYYY")
        paritrana.add_argument("--out", required=True, help="FILE.pdf or FILE.xlsx")
        paritrana.add_argument("--lang", choices=["id", "en"], default="id")

    def handle(self, *args, report, year, out, lang, **options):
        path = Path(out)
        writer = WRITERS.get(path.suffix.lower())
        if writer is None:
            raise CommandError(
                f"Berkas keluaran harus .pdf atau .xlsx, bukan {path.suffix or '(tanpa akhiran)'} / "
                f"the output file must be .pdf or .xlsx, not {path.suffix or '(no extension)'}"
            )
        if not 1900 <= year <= 9999:
            raise CommandError(f"Tahun tidak sah: {year} / not a year: {year}")
        if not path.parent.is_dir():
            raise CommandError(f"Folder tidak ada: {path.parent} / no such folder: {path.parent}")
        try:
            content = writer(year, language=lang)
        except ReportError as error:
            raise CommandError(str(error)) from None
        path.write_bytes(content)
        audit.record("reports.pack_download", summary=f"{year} {path.suffix[1:].upper()} ({path.name}, command line)")
        self.stdout.write(f"{path} ({len(content):,} bytes)")
