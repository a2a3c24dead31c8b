"""A believable contribution history for the demo register: enrolled on APBD since January, billed every
month, each invoice paid in the middle of the next month; the latest payment covers only part of its invoice."""
from dataclasses import dataclass
from datetime import date

from lindung.billing.models import Invoice
from lindung.billing.services import enrol_demo_register, record_payment, run_billing
from lindung.coverage.aggregate import ensure_months
from lindung.months import add_months, month_of, months_between

PAID_ON_DAY = 15
LAST_PAYMENT_SHARE = 0.9  # the most recent payment covers 90 % of its invoice: some members go unprotected


@dataclass
class DemoHistory:
    months: int
    enrolled: int
    billed: int
    paid: int


def paid_on(month: str) -> date:
    return date.fromisoformat(f"{add_months(month, 1)}-{PAID_ON_DAY:02d}")


def build_demo_history(today: date) -> DemoHistory:
    current = month_of(today)
    first = f"{today.year}-01" if today.month > 1 else add_months(current, -12)
    enrolled = enrol_demo_register(first).enrolled
    months = months_between(first, current)
    due = [m for m in months if paid_on(m) <= today]
    # In the order it happens: a month is billed, then last month's invoice is paid.
    for month in months:
        run_billing(month)
        previous = add_months(month, -1)
        if previous in due:
            pay_demo_invoices(previous, LAST_PAYMENT_SHARE if previous == due[-1] else 1)
    # The coverage figures the dashboard reads (its trend: a year back), built now rather than by the job worker
    # or its first reader once the server runs.
    ensure_months(months_between(add_months(current, -12), current))
    invoices = Invoice.objects.filter(month__in=months)
    return DemoHistory(
        months=len(months),
        enrolled=enrolled,
        billed=sum(i.total for i in invoices),
        paid=sum(i.paid for i in invoices),
    )


def pay_demo_invoices(month: str, share: float) -> None:
    for invoice in Invoice.objects.filter(month=month):
        amount = int(invoice.outstanding * share)
        if amount > 0:
            record_payment(invoice, amount, paid_on(month), reference=f"SP2D demo {month}")
