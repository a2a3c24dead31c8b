import json
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from lindung.claims.benefits import KINDS, BenefitError, estimate, rp


def date_argument(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise CommandError(
            f"Tanggal {option} harus ditulis YYYY-MM-DD: {text!r} / {option} must be a date written YYYY-MM-DD: {text!r}"
        ) from None


def whole_argument(text: str | None, option: str) -> int | None:
    if text is None:
        return None
    if not text.strip().isascii() or not text.strip().lstrip("-").isdigit():
        raise CommandError(f"{option} harus bilangan bulat: {text!r} / {option} must be a whole number: {text!r}")
    return int(text)


def child_argument(text: str):
    """LEVEL or LEVEL:YEARS_REMAINING, e.g. primary:4 or SD:4."""
    level, _, years = text.partition(":")
    return (level, whole_argument(years, "--child")) if years else level


def transport_argument(text: str):
    """MODE:RUPIAH, e.g. land:6000000 or darat:6000000."""
    mode, separator, cost = text.partition(":")
    if not separator:
        raise CommandError(
            f"--transport ditulis MODA:RUPIAH: {text!r} / --transport is written MODE:RUPIAH, e.g. land:6000000"
        )
    return mode, whole_argument(cost, "--transport")


class Command(BaseCommand):
    help = "Claims: estimate what the rules promise after a death or a work accident."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        est = sub.add_parser("estimate", help="the benefits the rules in force on the incident date promise")
        est.add_argument("--kind", required=True, help=" | ".join(KINDS))
        est.add_argument("--income", default=None, help="declared monthly income, Rupiah (not needed for death)")
        est.add_argument("--member-since", required=True, help="YYYY-MM-DD")
        est.add_argument("--incident-date", required=True, help="YYYY-MM-DD")
        est.add_argument("--percent", default=None, help="anatomical-table percent (partial_disability)")
        est.add_argument("--months", default=None, help="months of temporary incapacity (temporary)")
        est.add_argument("--child", action="append", default=[],
                         help="a child's school level, or LEVEL:YEARS_REMAINING (repeatable; death, work_death)")
        est.add_argument("--transport", action="append", default=[],
                         help="MODE:RUPIAH transport cost, mode land, sea or air (repeatable; work accidents)")
        est.add_argument("--json", action="store_true")
        remind = sub.add_parser("remind", help="open claims whose status has not moved for longer than the policy allows")
        remind.add_argument("--json", action="store_true")
        totals = sub.add_parser("totals", help="claims paid and the amount by programme, month and kecamatan")
        totals.add_argument("--from", dest="first", required=True, help="YYYY-MM")
        totals.add_argument("--until", dest="last", required=True, help="YYYY-MM")
        totals.add_argument("--json", action="store_true")
        status = sub.add_parser("import-status", help="apply a claim status file from BPJS (CSV or XLSX)")
        status.add_argument("file")
        status.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        try:
            result = getattr(self, f"do_{action.replace('-', '_')}")(**options)
        except BenefitError as e:
            raise CommandError(str(e)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))

    def do_estimate(self, kind, income, member_since, incident_date, percent, months, child, transport, json,
                    **options):
        if percent is not None:
            try:
                percent = Decimal(percent.strip())
            except InvalidOperation:
                raise CommandError(
                    f"--percent harus angka: {percent!r} / --percent must be a number: {percent!r}"
                ) from None
        result = estimate(
            kind,
            whole_argument(income, "--income"),
            date_argument(member_since, "--member-since"),
            date_argument(incident_date, "--incident-date"),
            percent=percent,
            months=whole_argument(months, "--months"),
            children=[child_argument(c) for c in child],
            transport=[transport_argument(t) for t in transport],
        )
        if not json:
            state = "protected" if result.protected else "NOT protected"
            self.stdout.write(f"{result.kind}: {state}")
            width = max([len(p.name) for p in result.parts] + [5])
            for p in result.parts:
                self.stdout.write(f"  {p.name:<{width}}  {rp(p.amount):>16}  {p.rule}")
            self.stdout.write(f"  {'Total':<{width}}  {rp(result.total):>16}")
            for reason in result.reasons:
                self.stdout.write(f"  {reason}")
        return result.as_json()

    def do_remind(self, json, **options):
        from django.utils import timezone

        from lindung.claims.services import claims_policy, stalled_claims

        now = timezone.now()
        claims = [
            {"claim": i.number, "person": i.person.full_name, "village": i.village_id, "kind": i.kind,
             "status": i.status, "since": i.status_since.date().isoformat(), "days": (now - i.status_since).days,
             "expected": i.expected_amount}
            for i in stalled_claims(now).select_related("person")
        ]
        result = {"stalled_after_days": claims_policy("claim_stalled_after_days", now.date()), "claims": claims}
        if not json:
            self.stdout.write(f"{len(claims)} claims without change for more than {result['stalled_after_days']} days")
            for c in claims:
                self.stdout.write(f"  {c['claim']}  {c['status']:<18}  {c['days']:>4} days  {c['person']} ({c['village']})")
        return result

    def do_import_status(self, file, json, **options):
        from pathlib import Path

        from lindung.claims.status_file import StatusFileError, import_status_file

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Berkas tidak ada: {file} / no such file: {file}")
        try:
            result = import_status_file(path, path.name)
        except StatusFileError as e:
            raise CommandError(str(e)) from None
        report = {"file": result.filename, "rows": result.rows, "changed": result.changed, "outcomes": result.outcomes}
        if not json:
            self.stdout.write(f"{result.rows} rows, {result.changed} changed")
            for o in result.outcomes:
                self.stdout.write(f"  row {o['row']}: {o['outcome']} {o['claim']} {o['message_en']}")
        return report

    def do_totals(self, first, last, json, **options):
        from lindung.claims.services import claims_totals
        from lindung.management.arguments import month_range_arguments

        rows = claims_totals(*month_range_arguments(first, last))
        if not json:
            for r in rows:
                self.stdout.write(f"{r['month']}  {r['programme']:<4} {r['kecamatan']}  {r['claims']:>6}  {rp(r['paid']):>18}")
            self.stdout.write(f"{sum(r['claims'] for r in rows)} claims paid, {rp(sum(r['paid'] for r in rows))}")
        return {"from": first, "until": last, "rows": rows}
