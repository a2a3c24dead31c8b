from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from lindung.accounts import audit
from lindung.billing import documents, ledger
from lindung.billing.forms import (
    EnrolForm, PaymentForm, RunBillingForm, StatementYearForm, current_month, rupiah, today,
)
from lindung.billing.models import ContributionLine, Invoice, Membership
from lindung.billing.services import BillingError, enrol, invoice_breakdown, record_payment, run_billing, statement
from lindung.months import add_months, month_start, months_between
from lindung.programmes.models import Payer, Programme
from lindung.regions.models import Region
from lindung.registry.models import Person, Segment

PAGE_SIZE = 25
MONTHS_PER_PAGE = 12
STRIP_MONTHS = 24

# A month's protection, as the person page shows it: label, and a mark that does not rely on colour.
MONTH_STATES = {
    ledger.PROTECTED: (gettext_lazy("protected"), "✓"),
    ledger.PARTIAL: (gettext_lazy("partly protected"), "◐"),
    ledger.UNPAID: (gettext_lazy("unpaid"), "!"),
    ledger.LAPSED: (gettext_lazy("lapsed (arrears)"), "✕"),
    ledger.NOT_BILLED: (gettext_lazy("not billed"), "–"),
    ledger.NOT_MEMBER: (gettext_lazy("not a member"), "·"),
}


def month_label(month: str) -> str:
    """'2026-01' -> 'Januari 2026' / 'January 2026'."""
    return date_format(month_start(month), "F Y")


def billing_message(error: BillingError) -> str:
    """BillingError texts are 'Indonesian / English': the half in the reader's language."""
    text = str(error)
    if " / " not in text:
        return text
    indonesian, english = text.split(" / ", 1)
    return english if get_language() == "en" else indonesian


def invoice_status(invoice) -> tuple[str, str]:
    """(css class, label): paid in full, partly paid, or nothing paid yet."""
    if invoice.outstanding <= 0:
        return "paid", _("paid")
    if invoice.paid > 0:
        return "partial", _("partly paid")
    return "unpaid", _("unpaid")


def decorate(invoice):
    invoice.month_label = month_label(invoice.month)
    invoice.status_class, invoice.status_label = invoice_status(invoice)
    return invoice


# The list of invoices and the billing run -----------------------------------------------------------


@permission_required("billing.view_invoice", raise_exception=True)
def invoice_list(request):
    """Months, newest first, each with its invoices; officers run a month's billing from here."""
    form = RunBillingForm(request.POST or None, initial={"month": current_month()})
    if request.method == "POST":
        if not request.user.has_perm("billing.run_billing"):
            raise PermissionDenied
        if form.is_valid():
            month = form.cleaned_data["month"]
            try:
                report = run_billing(month, user=request.user)
            except BillingError as e:
                form.add_error("month", billing_message(e))
            else:
                messages.success(request, billing_summary(report))
                return redirect("billing:index")
    months = Invoice.objects.order_by("-month").values_list("month", flat=True).distinct()
    page = Paginator(months, MONTHS_PER_PAGE).get_page(request.GET.get("page"))
    invoices: dict[str, list] = {}
    for invoice in Invoice.objects.filter(month__in=list(page)).select_related("payer"):
        invoices.setdefault(invoice.month, []).append(decorate(invoice))
    return render(request, "billing/invoice_list.html", {
        "form": form,
        "page": page,
        "query": "",
        "months": [{"month": m, "label": month_label(m), "invoices": invoices.get(m, [])} for m in page],
    })


def billing_summary(report) -> str:
    values = {
        "month": month_label(report.month),
        "members": number_format(report.members, force_grouping=True),
        "total": rupiah(report.total),
    }
    if not report.changed:
        return _("Billing for %(month)s: nothing changed (%(members)s members, %(total)s).") % values
    return ngettext(
        "Billing for %(month)s done: %(members)s member, %(total)s.",
        "Billing for %(month)s done: %(members)s members, %(total)s.",
        report.members,
    ) % values


# One invoice ----------------------------------------------------------------------------------------


@permission_required("billing.view_invoice", raise_exception=True)
def invoice_detail(request, pk):
    invoice = get_object_or_404(Invoice.objects.select_related("payer"), pk=pk)
    kecamatan = request.GET.get("kecamatan", "").strip()
    form = PaymentForm(request.POST or None, invoice=invoice, initial={"paid_on": today()})
    if request.method == "POST":
        if not request.user.has_perm("billing.add_payment"):
            raise PermissionDenied
        if form.is_valid():
            try:
                payment = record_payment(invoice, user=request.user, **form.cleaned_data)
            except BillingError as e:
                form.add_error("amount", billing_message(e))
            else:
                messages.success(request, payment_summary(payment))
                url = reverse("billing:invoice", args=[invoice.pk])
                return redirect(f"{url}?{urlencode({'kecamatan': kecamatan})}" if kecamatan else url)
    decorate(invoice)
    by_kecamatan = invoice_breakdown(invoice, "kecamatan")
    chosen = next((row for row in by_kecamatan if row["key"] == kecamatan), None)
    context = {
        "invoice": invoice,
        "form": form,
        "payments": invoice.payments.select_related("area", "recorded_by").order_by("paid_on", "id"),
        "by_kecamatan": by_kecamatan,
        "by_segment": invoice_breakdown(invoice, "segment"),
        "by_programme": invoice_breakdown(invoice, "programme"),
        "kecamatan": chosen,
        "by_village": (
            [row for row in invoice_breakdown(invoice, "village") if row["key"].startswith(f"{chosen['key']}.")]
            if chosen else None
        ),
    }
    if request.user.has_perm("registry.view_person"):
        page = Paginator(unprotected_members(invoice, request.user, chosen and chosen["key"]), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["unprotected"] = with_people(page)
        context["query"] = urlencode({"kecamatan": chosen["key"]}) if chosen else ""
    return render(request, "billing/invoice_detail.html", context)


def payment_summary(payment) -> str:
    members = ContributionLine.objects.filter(month=payment.invoice.month, payment=payment).values("person_id").distinct().count()
    values = {
        "amount": rupiah(payment.amount),
        "allocated": rupiah(payment.allocated),
        "members": number_format(members, force_grouping=True),
        "credit": rupiah(payment.unallocated),
    }
    return ngettext(
        "Payment of %(amount)s recorded: %(allocated)s pays %(members)s member in full; %(credit)s stays as credit.",
        "Payment of %(amount)s recorded: %(allocated)s pays %(members)s members in full; %(credit)s stays as credit.",
        members,
    ) % values


def unprotected_members(invoice, user, kecamatan: str | None = None):
    """Members with unpaid lines on this invoice, one row each, in the order payments reach them."""
    lines = ContributionLine.objects.filter(month=invoice.month, invoice=invoice, payment__isnull=True)
    if kecamatan:
        lines = lines.filter(village__code__startswith=f"{kecamatan}.")
    if not user.has_perm("registry.view_all_areas"):
        lines = lines.filter(person_id__in=Person.objects.in_scope_of(user).values("pk"))
    return (
        lines.order_by("person_id")
        .values("person_id")
        .annotate(amount=Sum("amount"), village_id=Max("village_id"), segment_id=Max("segment_id"))
    )


def with_people(page):
    """The page's rows with their Person, village and segment (a few queries per page, not per row)."""
    rows = list(page)
    people = Person.objects.in_bulk([r["person_id"] for r in rows])
    villages = Region.objects.select_related("parent").in_bulk([r["village_id"] for r in rows])
    segments = Segment.objects.in_bulk([r["segment_id"] for r in rows])
    page.object_list = [
        {**r, "person": people.get(r["person_id"]), "village": villages.get(r["village_id"]),
         "segment": segments.get(r["segment_id"])}
        for r in rows
    ]
    return page


def invoice_filename(invoice, suffix: str) -> str:
    """tagihan-2026-01-apbd.xlsx; payers sharing a kind are told apart by their number."""
    name = invoice.payer.kind
    if Payer.objects.filter(kind=invoice.payer.kind).count() > 1:
        name = f"{name}-{invoice.payer_id}"
    return f"tagihan-{invoice.month}-{name}.{suffix}"


def document_response(request, pk, kind: str, content_type: str):
    """The invoice as a document to sign; each download is audited."""
    invoice = get_object_or_404(Invoice.objects.select_related("payer"), pk=pk)
    content = getattr(documents, f"invoice_{kind}")(invoice)
    filename = invoice_filename(invoice, kind)
    audit.record("billing.invoice_download", target=invoice, summary=f"{invoice.number} {kind.upper()} ({filename})")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The workbook lists every member by name (NIK masked): for those who may see people, like the list on screen.
@permission_required(["billing.view_invoice", "registry.view_person"], raise_exception=True)
def invoice_xlsx(request, pk):
    return document_response(
        request, pk, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@permission_required("billing.view_invoice", raise_exception=True)
def invoice_pdf(request, pk):
    return document_response(request, pk, "pdf", "application/pdf")


# A payer's statement --------------------------------------------------------------------------------


@permission_required("billing.view_invoice", raise_exception=True)
def payer_statement(request, pk):
    payer = get_object_or_404(Payer, pk=pk)
    years = sorted({int(m[:4]) for m in payer.invoices.values_list("month", flat=True)}, reverse=True)
    form = StatementYearForm(request.GET or None, years=years)
    year = form.cleaned_data["year"] if form.is_valid() else None
    result = statement(payer, year)
    for invoice in result.invoices:
        decorate(invoice)
    return render(request, "billing/statement.html", {"payer": payer, "form": form, "statement": result, "year": year})


# Enrolment ------------------------------------------------------------------------------------------


@permission_required("billing.enrol_members", raise_exception=True)
def enrol_members(request):
    """Choose people by segment and area; see how many match and how many are members already; confirm."""
    form = EnrolForm(request.POST or None)
    preview = None
    changed = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people = form.people(Person.objects.in_scope_of(request.user).active())
        fingerprint = form.fingerprint()
        if request.POST.get("action") == "confirm" and request.POST.get("checked") == fingerprint:
            report = enrol(
                people, data["programmes"], data["payer"], data["start_month"], user=request.user,
                declared_income=data["declared_income"],
            )
            messages.success(request, enrol_summary(report, data["start_month"]))
            return redirect("billing:index")
        changed = request.POST.get("action") == "confirm"
        preview = enrol_preview(people, data["programmes"], data["start_month"])
        preview["fingerprint"] = fingerprint
    return render(request, "billing/enrol.html", {"form": form, "preview": preview, "changed": changed})


def enrol_preview(people, programmes: list[str], start_month: str) -> dict:
    """What enrol() would do: the people chosen, and per programme how many are members for that month already."""
    names = {p.code: p.name for p in Programme.objects.all()}
    matching = people.count()
    rows = []
    for programme in programmes:
        overlapping = Membership.objects.filter(person=OuterRef("pk"), programme_id=programme).filter(
            Q(end_month__isnull=True) | Q(end_month__gte=start_month)
        )
        already = people.filter(Exists(overlapping)).count()
        rows.append({"code": programme, "name": names.get(programme, programme), "already": already,
                     "new": matching - already})
    return {"people": matching, "programmes": rows, "new": sum(r["new"] for r in rows),
            "month_label": month_label(start_month)}


def enrol_summary(report, start_month: str) -> str:
    values = {
        "enrolled": number_format(report.enrolled, force_grouping=True),
        "month": month_label(start_month),
        "already": number_format(report.already_members, force_grouping=True),
        "programmes": ", ".join(f"{code} {number_format(n, force_grouping=True)}" for code, n in report.by_programme.items()),
    }
    return ngettext(
        "%(enrolled)s membership from %(month)s (%(programmes)s); %(already)s already members.",
        "%(enrolled)s memberships from %(month)s (%(programmes)s); %(already)s already members.",
        report.enrolled,
    ) % values


# On the person page ---------------------------------------------------------------------------------


def protection_context(person, last_month: str | None = None) -> dict:
    """A person's memberships and the protection of each of the last 24 months (registry person page)."""
    last_month = last_month or current_month()
    memberships = list(person.memberships.select_related("programme", "payer").order_by("programme__sort", "start_month"))
    for m in memberships:
        m.start_label = month_label(m.start_month)
        m.end_label = month_label(m.end_month) if m.end_month else ""
    strip = []
    if memberships:
        months = months_between(add_months(last_month, 1 - STRIP_MONTHS), last_month)
        for state in ledger.person_ledger(person, months):
            label, mark = MONTH_STATES[state.status]
            text = f"{month_label(state.month)}: {label}"
            if state.status == ledger.PARTIAL:
                text += " (" + _("paid: %(paid)s; unpaid: %(unpaid)s") % {
                    "paid": ", ".join(state.paid), "unpaid": ", ".join(state.unpaid)} + ")"
            elif state.paid:
                text += f" ({', '.join(state.paid)})"
            strip.append({
                "month": state.month, "status": state.status, "mark": mark, "text": text,
                "short": date_format(month_start(state.month), "M y"),
            })
    return {
        "memberships": memberships,
        "strip": strip,
        "legend": [(status, label, mark) for status, (label, mark) in MONTH_STATES.items()],
    }
