import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from lindung.enrolment.targeting import MAX_MONTHS, TargetingError, preview
from lindung.enrolment.targeting import commit as commit_batch
from lindung.management.arguments import month_argument, payer_argument
from lindung.money import parse_rupiah


def rupiah_argument(text: str) -> int:
    """Whole Rupiah, written plainly or with separators: 15302044800, 15.302.044.800, Rp 15,302,044,800."""
    try:
        return parse_rupiah(text)
    except ValueError:
        raise CommandError(
            f"Anggaran harus Rupiah bulat, 0 atau lebih: {text!r} / "
            f"the budget must be whole Rupiah, 0 or more: {text!r}"
        ) from None


def months_argument(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_MONTHS:
        raise CommandError(
            f"Jumlah bulan harus 1 sampai {MAX_MONTHS}: {text!r} / months must be 1 to {MAX_MONTHS}: {text!r}"
        )
    return int(text)


class Command(BaseCommand):
    help = (
        "Target people under a budget: rank everyone eligible (poorest first) and show who the budget covers; "
        "with --commit, write the batch of candidates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--budget", required=True, help="Rupiah available, e.g. 15302044800")
        parser.add_argument("--months", required=True, help=f"months covered, 1 to {MAX_MONTHS}")
        parser.add_argument("--from", dest="start", required=True, help="first month covered, YYYY-MM")
        parser.add_argument("--payer", default="apbd", help="payer id, name or kind (default: apbd)")
        parser.add_argument("--programmes", default="JKK,JKM", help="comma-separated (default JKK,JKM)")
        parser.add_argument("--commit", action="store_true", help="write the batch and its candidate memberships")
        parser.add_argument("--allow-over-budget", action="store_true", help="commit despite a budget warning")
        parser.add_argument("--note", default="", help="a note kept on the batch")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, budget, months, start, payer, programmes, commit, allow_over_budget, note, json, **options):
        budget = rupiah_argument(budget)
        months = months_argument(months)
        start = month_argument(start)
        payer = payer_argument(payer)
        codes = [p.strip().upper() for p in programmes.split(",") if p.strip()]
        try:
            result = preview(budget, months, start, payer=payer, programmes=codes)
            batch = commit_batch(result, note=note, allow_over_budget=allow_over_budget) if commit else None
        except TargetingError as e:
            raise CommandError(str(e)) from None
        data = result.as_json()
        if batch is not None:
            data["batch"] = batch.pk
        if json:
            self.stdout.write(jsonlib.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(summary(result, batch))


def summary(result, batch=None) -> str:
    lines = [
        f"{result.payer}: Rp {result.budget:,} for {result.months} months from {result.start_month} "
        f"({', '.join(result.programmes)}, Rp {result.cost_per_person:,} per person)",
        f"Eligible {result.eligible:,}; covered {result.covered:,} for Rp {result.cost:,}; "
        f"left out {result.eligible - result.covered:,}",
    ]
    if result.by_kecamatan:
        lines.append("By kecamatan: " + ", ".join(f"{code} {n:,}" for code, n in result.by_kecamatan.items()))
    if result.by_segment:
        lines.append("By segment: " + ", ".join(f"{code} {n:,}" for code, n in result.by_segment.items()))
    if result.outside:
        first = result.outside[0]
        lines.append(
            f"Next outside: rank {first['rank']:,} (decile {first['welfare_decile'] or '?'}, {first['segment']})"
        )
    if result.budget_warning:
        lines.append(f"Warning: {result.budget_warning}")
    if batch is not None:
        lines.append(f"Committed batch #{batch.pk}: {batch.people:,} candidates")
    elif result.covered:
        lines.append("Preview only: add --commit to write the batch")
    return "\n".join(lines)
