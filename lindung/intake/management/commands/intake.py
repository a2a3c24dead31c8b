import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lindung.intake.reader import UnreadableFile
from lindung.intake.services import RegionsNotLoaded, run_intake


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
            action.add_argument("--language", choices=["id", "en"], default="id",
                                help="language of the report and the issues' messages (default: id, Indonesian)")
            if name == "import":
                action.add_argument("--source", default="", help="where the list came from (default: the file name)")

    def handle(self, *args, action, file, json: bool, language: str, **options):
        if not file.is_file():
            raise CommandError(f"Berkas tidak ada / no such file: {file}")
        progress = (lambda fraction, text: None) if json else TerminalProgress()
        try:
            with translation.override(language):
                report = run_intake(file, source=options.get("source") or file.name, dry_run=action == "check",
                                    progress=progress)
        except (UnreadableFile, RegionsNotLoaded) as e:
            raise CommandError(f"{e.message('id')} / {e.message('en')}") from None
        if json:
            self.stdout.write(_dumps(report.as_json()))
            return
        with translation.override(language):
            self.stdout.write(summary(report))


def summary(report) -> str:
    """The report for a terminal, in the active language: counts, then the first issues."""
    def n(value: int) -> str:
        return number_format(value, force_grouping=True)

    lines = [_("%(file)s: %(rows)s rows — %(accepted)s accepted, %(unchanged)s unchanged, %(review)s to review, "
               "%(rejected)s rejected") % {
        "file": report.file, "rows": n(report.rows), "accepted": n(report.accepted),
        "unchanged": n(report.unchanged), "review": n(report.review), "rejected": n(report.rejected)}]
    if report.repeat_of:
        lines.append(_("This file was already imported (batch %(batch)s); nothing was changed.")
                     % {"batch": report.repeat_of})
    for issue in report.issues[:SHOWN_ISSUES]:
        lines.append(_("  row %(row)s %(column)s: %(code)s — %(message)s") % issue)
    if len(report.issues) > SHOWN_ISSUES:
        lines.append(_("  … and %(more)s more (use --json for all)") % {"more": n(len(report.issues) - SHOWN_ISSUES)})
    return "\n".join(lines)


SHOWN_ISSUES = 50


def _dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, default=str)
