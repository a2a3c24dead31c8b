import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.intake.reader import UnreadableFile
from lindung.intake.services import run_intake


class TerminalProgress:
    """A one-line progress bar on a terminal; silent when output is piped."""

    def __init__(self, stream=sys.stderr, width: int = 30):
        self.stream, self.width = stream, width
        self.enabled = stream.isatty()

    def __call__(self, fraction: float, text: str) -> None:
        if not self.enabled:
            return
        filled = int(self.width * fraction)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%} {text:<20}")
        if fraction >= 1:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Check (dry run) or import a list of workers: CSV, XLSX, XLS or ODS."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in [("check", "validate only: nothing is written"), ("import", "validate and import")]:
            action = sub.add_parser(name, help=text)
            action.add_argument("file", type=Path)
            action.add_argument("--json", action="store_true", help="print the full report as JSON")
            if name == "import":
                action.add_argument("--source", default="", help="where the list came from (default: the file name)")

    def handle(self, *args, action, file, json: bool, **options):
        if not file.is_file():
            raise CommandError(f"Berkas tidak ada / no such file: {file}")
        progress = (lambda fraction, text: None) if json else TerminalProgress()
        try:
            report = run_intake(file, source=options.get("source") or file.name, dry_run=action == "check",
                                progress=progress)
        except UnreadableFile as e:
            raise CommandError(f"{e.message('id')} / {e.message('en')}") from None
        if json:
            self.stdout.write(_dumps(report.as_json()))
            return
        self.stdout.write(
            f"{report.file}: {report.rows:,} rows — {report.accepted:,} accepted, {report.unchanged:,} unchanged, "
            f"{report.review:,} review, {report.rejected:,} rejected"
        )
        if report.repeat_of:
            self.stdout.write(f"This file was already imported (batch {report.repeat_of}); nothing was changed.")
        for issue in report.issues[:50]:
            self.stdout.write(f"  row {issue['row']} {issue['column']}: {issue['code']} — {issue['message']}")
        if len(report.issues) > 50:
            self.stdout.write(f"  … and {len(report.issues) - 50:,} more (use --json for all)")


def _dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, default=str)
