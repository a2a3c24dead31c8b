from django.core.management.base import BaseCommand, CommandError

from lindung.regions.services import RegionAmbiguous, RegionNotFound, find_village, load_regions


class Command(BaseCommand):
    help = "Load the Kemendagri region table (`regions load`) or find a village (`regions find TEXT`)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load the shipped table; a no-op when it is already loaded")
        load.add_argument("--force", action="store_true", help="write the table even if this version is loaded")
        find = sub.add_parser("find", help="find a village of the regency by code or name")
        find.add_argument("text")

    def handle(self, *args, action, **options):
        if action == "load":
            report = load_regions(force=options["force"])
            if report.skipped:
                self.stdout.write(f"Regions: {report.rows:,} rows already loaded; nothing to do.")
            else:
                self.stdout.write(f"Regions: {report.rows:,} rows read, {report.written:,} inserted or updated.")
            return
        try:
            village = find_village(options["text"])
        except RegionNotFound:
            raise CommandError(f"Desa/kelurahan tidak ditemukan / village not found: {options['text']!r}")
        except RegionAmbiguous as e:
            raise CommandError(f"Nama desa tidak unik / village name is ambiguous: {e}")
        self.stdout.write(f"{village.code}\t{village.name}\t{village.parent.name}")
