import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.billing.models import Membership
from lindung.enrolment.bpjs_files import BpjsFileError, export_batch, import_response, reconciliation
from lindung.enrolment.lifecycle import END_REASONS, LifecycleError, end_label, end_memberships, renew
from lindung.enrolment.models import EnrolmentBatch
from lindung.management.arguments import payer_argument
from lindung.registry.models import Person


def batch_argument(text: str) -> EnrolmentBatch:
    batch = EnrolmentBatch.objects.filter(pk=int(text)).first() if text.isdigit() else None
    if batch is None:
        raise CommandError(f"Batch pendaftaran tidak ada: {text!r} / no such enrolment batch: {text!r}")
    return batch


class Command(BaseCommand):
    help = "Enrolment with BPJS: export a batch's registration file, import the answer, reconcile, renew, end."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write a batch's collective-registration file (XLSX, full NIK)")
        export.add_argument("batch")
        export.add_argument("--out", type=Path, required=True, help="FILE.xlsx")

        answer = sub.add_parser("import", help="import the BPJS branch office's answer to a batch")
        answer.add_argument("batch")
        answer.add_argument("file", type=Path)
        answer.add_argument("--json", action="store_true")

        reconcile = sub.add_parser("reconcile", help="sent, returned, accepted, rejected and missing of a batch")
        reconcile.add_argument("batch")
        reconcile.add_argument("--json", action="store_true")

        renewal = sub.add_parser("renew", help="carry memberships ending in December into the next year")
        renewal.add_argument("--year", type=int, required=True)
        renewal.add_argument("--payer", default="apbd", help="payer id, name or kind (default: apbd)")
        renewal.add_argument("--json", action="store_true")

        end = sub.add_parser("end", help="end a person's memberships")
        end.add_argument("--person-id", type=int, required=True)
        end.add_argument("--reason", required=True, help=", ".join(END_REASONS))
        end.add_argument("--month", required=True, help="last month covered, YYYY-MM")
        end.add_argument("--note", default="")
        end.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        try:
            result = getattr(self, f"do_{action}")(**options)
        except (BpjsFileError, LifecycleError) as e:
            raise CommandError(str(e)) from None
        if options.get("json"):
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))

    def do_export(self, batch, out, **options):
        batch = batch_argument(batch)
        content = export_batch(batch)
        try:
            out.write_bytes(content)
        except OSError as e:
            raise CommandError(f"Berkas tidak dapat ditulis: {out} / cannot write {out}: {e.strerror}") from None
        out.chmod(0o600)  # it holds full NIKs
        rows = reconciliation(batch)
        self.stdout.write(
            f"Batch #{batch.pk}: {rows['sent'] - rows['returned']:,} people waiting for BPJS written to {out} "
            "(full NIK: keep it safe)"
        )

    def do_import(self, batch, file, json, **options):
        batch = batch_argument(batch)
        if not file.is_file():
            raise CommandError(f"Berkas tidak ada / no such file: {file}")
        report = import_response(batch, file)
        if not json:
            counts = ", ".join(f"{getattr(report, name):,} {name}" for name in
                               ("accepted", "rejected", "unknown", "duplicate", "invalid", "already"))
            self.stdout.write(f"{report.file}: {report.rows:,} rows — {counts}; {report.missing:,} still missing")
            if report.repeat_of:
                self.stdout.write(
                    f"Berkas ini sudah diimpor pada {report.repeat_of['at']}; tidak ada yang diubah / "
                    f"this file was already imported at {report.repeat_of['at']}; nothing was changed"
                )
            for issue in report.issues[:50]:
                self.stdout.write(f"  row {issue['row']} {issue['column']}: {issue['code']} — {issue['message']}")
            if len(report.issues) > 50:
                self.stdout.write(f"  … and {len(report.issues) - 50:,} more (use --json for all)")
        return report.as_json()

    def do_reconcile(self, batch, json, **options):
        result = reconciliation(batch_argument(batch))
        if not json:
            self.stdout.write(
                f"Batch #{result['batch']} ({result['status']}): {result['sent']:,} sent, {result['returned']:,} "
                f"returned ({result['accepted']:,} accepted, {result['rejected']:,} rejected), "
                f"{len(result['missing']):,} missing, {result['unknown']:,} unknown rows in the latest answer"
            )
            for person in result["missing"][:50]:
                self.stdout.write(f"  missing #{person['rank']}: {person['full_name']} {person['nik_masked']}")
        return result

    def do_renew(self, year, payer, json, **options):
        report = renew(payer_argument(payer), year)
        if not json:
            dropped = ", ".join(f"{n:,} {reason}" for reason, n in report.dropped.items()) or "none"
            self.stdout.write(
                f"Renewal {year} for {report.payer}: {report.carried:,} people carried over; dropped: {dropped}"
            )
        return report.as_json()

    def do_end(self, person_id, reason, month, note, json, **options):
        if not Person.objects.filter(pk=person_id).exists():
            raise CommandError(f"Orang tidak ada: {person_id} / no such person: {person_id}")
        ended = end_memberships(Membership.objects.filter(person_id=person_id), reason, month, note=note)
        if not json:
            self.stdout.write(f"{ended} memberships of person {person_id} ended at {month}: {end_label(reason)}")
        return {"person_id": person_id, "reason": reason, "month": month, "ended": ended}
