"""Command-line arguments the `lindung` commands share, refused with a message in Indonesian and English."""
from django.core.management.base import CommandError

from lindung.months import FIRST_ENTERED_MONTH, LAST_ENTERED_MONTH, entered_month, month_start


def month_argument(text: str) -> str:
    """A month written YYYY-MM, from FIRST_ENTERED_MONTH to LAST_ENTERED_MONTH."""
    try:
        month_start(text)
    except ValueError:
        raise CommandError(f"Bulan harus ditulis YYYY-MM: {text!r} / the month must be written YYYY-MM: {text!r}") from None
    try:
        return entered_month(text)
    except ValueError:
        raise CommandError(
            f"Bulan harus antara {FIRST_ENTERED_MONTH} dan {LAST_ENTERED_MONTH}: {text!r} / "
            f"the month must be between {FIRST_ENTERED_MONTH} and {LAST_ENTERED_MONTH}: {text!r}"
        ) from None


def month_range_arguments(first: str, last: str) -> tuple[str, str]:
    """Two months written YYYY-MM, the first not after the last."""
    first, last = month_argument(first), month_argument(last)
    if month_start(first) > month_start(last):
        raise CommandError(f"Bulan awal ({first}) sesudah bulan akhir ({last}) / the first month ({first}) is after "
                           f"the last ({last})")
    return first, last


def payer_argument(text: str):
    """A payer by id, exact name or kind (when only one payer has that kind)."""
    from lindung.programmes.models import Payer

    payers = Payer.objects.filter(pk=int(text)) if text.isdigit() else Payer.objects.filter(name=text)
    if not payers and not text.isdigit():
        payers = Payer.objects.filter(kind=text)
    if len(payers) != 1:
        known = ", ".join(f"{p.pk}={p.name} ({p.kind})" for p in Payer.objects.all())
        raise CommandError(f"Pembayar tidak dikenal: {text!r} / unknown payer {text!r}. Known: {known}")
    return payers[0]
