import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from lindung.billing.models import Invoice
from lindung.billing.services import BillingError, enrol, record_payment, run_billing, statement
from lindung.management.arguments import month_argument, payer_argument
from lindung.programmes.models import Programme
from lindung.regions.models import Region
from lindung.registry.models import Person, Segment


class Command(BaseCommand):
    help = "Monthly billing: enrol in bulk, run a month, record payments, print a payer's statement."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="bill every member for a month (safe to repeat)")
        run.add_argument("month", help="YYYY-MM")
        run.add_argument("--json", action="store_true")

        pay = sub.add_parser("pay", help="record a payment against a payer's invoice for a month")
        pay.add_argument("month", help="YYYY-MM")
        pay.add_argument("--payer", default="apbd", help="payer id, name or kind (default: apbd)")
        pay.add_argument("--amount", type=int, help="Rupiah (default: everything still owed)")
        pay.add_argument("--date", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
        pay.add_argument("--reference", default="", help="SP2D or transfer reference")
        pay.add_argument("--area", default=None, help="only members billed in this kecamatan or village code")
        pay.add_argument("--json", action="store_true")

        state = sub.add_parser("statement", help="a payer's invoices, payments and arrears")
        state.add_argument("--payer", default="apbd")
        state.add_argument("--year", type=int)
        state.add_argument("--json", action="store_true")

        enrolment = sub.add_parser("enrol", help="enrol registered people in programmes in bulk")
        enrolment.add_argument("--from", dest="start", required=True, help="first month covered, YYYY-MM")
        enrolment.add_argument("--payer", default="apbd")
        enrolment.add_argument("--programmes", default="JKK,JKM", help="comma-separated (default JKK,JKM)")
        enrolment.add_argument("--segment", action="append", default=[], help="segment code (repeatable)")
        enrolment.add_argument("--area", default=None, help="kecamatan or village code")
        enrolment.add_argument("--declared-income", action="store_true", help="contribute on declared income")
        enrolment.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        try:
            result = getattr(self, f"do_{action}")(**options)
        except BillingError as e:
            raise CommandError(str(e)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))

    def do_run(self, month, json, **options):
        report = run_billing(month_argument(month))
        if not json:
            self.stdout.write(
                f"{report.month}: {report.members:,} members, {report.lines:,} lines, Rp {report.total:,}"
                + ("" if report.changed else " — nothing changed")
            )
        return report.as_json()

    def do_pay(self, month, payer, amount, date, reference, area, json, **options):
        payer = payer_argument(payer)
        invoice = Invoice.objects.filter(payer=payer, month=month_argument(month)).first()
        if invoice is None:
            raise CommandError(f"Belum ada tagihan {payer} {month} / no invoice for {payer} in {month}: run billing first")
        region = None
        if area:
            region = Region.objects.filter(code=area).first()
            if region is None:
                raise CommandError(f"Wilayah tidak dikenal / unknown area {area!r}")
        payment = record_payment(
            invoice,
            invoice.outstanding if amount is None else amount,
            date or _today(),
            reference=reference,
            area=region,
        )
        invoice.refresh_from_db()
        result = {
            "invoice": invoice.number,
            "amount": payment.amount,
            "allocated": payment.allocated,
            "unallocated": payment.unallocated,
            "outstanding": invoice.outstanding,
        }
        if not json:
            self.stdout.write(
                f"{invoice.number}: Rp {payment.amount:,} received, Rp {payment.allocated:,} allocated to members, "
                f"Rp {invoice.outstanding:,} still owed"
            )
        return result

    def do_statement(self, payer, year, json, **options):
        result = statement(payer_argument(payer), year)
        data = {
            "payer": result.payer.name,
            "billed": result.billed,
            "paid": result.paid,
            "arrears": result.arrears,
            "credit": result.credit,
            "invoices": [
                {"month": i.month, "number": i.number, "members": i.members, "total": i.total, "paid": i.paid,
                 "outstanding": i.outstanding}
                for i in result.invoices
            ],
        }
        if not json:
            for i in result.invoices:
                self.stdout.write(f"{i.month}  {i.number}  Rp {i.total:>16,}  paid Rp {i.paid:>16,}  owed Rp {i.outstanding:>16,}")
            self.stdout.write(f"{result.payer}: billed Rp {result.billed:,}, paid Rp {result.paid:,}, arrears Rp {result.arrears:,}"
                              + (f", received but not yet allocated Rp {result.credit:,}" if result.credit else ""))
        return data

    def do_enrol(self, start, payer, programmes, segment, area, declared_income, json, **options):
        codes = [p.strip().upper() for p in programmes.split(",") if p.strip()]
        unknown = set(codes) - set(Programme.objects.values_list("code", flat=True))
        if unknown or not codes:
            raise CommandError(f"Program tidak dikenal / unknown programmes: {sorted(unknown) or programmes!r}")
        people = Person.objects.active()
        if segment:
            missing = set(segment) - set(Segment.objects.values_list("code", flat=True))
            if missing:
                raise CommandError(f"Segmen tidak dikenal / unknown segments: {sorted(missing)}")
            people = people.filter(segment__in=segment)
        if area:
            people = people.filter(Q(village_id=area) | Q(village__code__startswith=f"{area}."))
        report = enrol(people, codes, payer_argument(payer), month_argument(start), declared_income=declared_income)
        if not json:
            self.stdout.write(
                f"{report.enrolled:,} memberships created from {start}; {report.already_members:,} already members"
            )
        return {"enrolled": report.enrolled, "already_members": report.already_members, "by_programme": report.by_programme}


def _today() -> date:
    return date.today()
