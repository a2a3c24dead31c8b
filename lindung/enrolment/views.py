"""Targeting and enrolment screens: batches, targeting under a budget, one batch and its files for BPJS,
the budget, eligibility policies, the yearly renewal, and ending a person's membership."""
import os
import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.billing.forms import rupiah
from lindung.billing.models import Membership, MembershipStatus
from lindung.billing.views import billing_message, month_label
from lindung.enrolment import bpjs_files, lifecycle, targeting
from lindung.enrolment.budget import budget_status
from lindung.enrolment.forms import (
    BudgetLineForm, BudgetYearForm, CommitForm, EndMembershipForm, PolicyForm, RenewForm, ResponseUploadForm,
    TargetForm, this_year,
)
from lindung.enrolment.models import BatchMemberStatus, BpjsFileJob, EligibilityPolicy, EnrolmentBatch
from lindung.enrolment.tasks import run_export, run_import
from lindung.keys import var_dir
from lindung.months import add_months
from lindung.programmes.models import BudgetLine, Payer
from lindung.regions.models import Region
from lindung.registry.models import Person, Segment

PAGE_SIZE = 25
BATCHES_PER_PAGE = 20
MISSING_SHOWN = 50

# Which field a TargetingError is about, from the first words of its Indonesian half; others go on top.
ERROR_FIELDS = (
    ("Anggaran harus", "budget"),
    ("Anggaran ini tidak mencakup", "budget"),
    ("Jumlah bulan", "months"),
    ("Bulan mulai", "start_month"),
    ("Tidak ada kebijakan", "start_month"),
    ("Pilih minimal satu program", "programmes"),
    ("Program tidak dikenal", "programmes"),
    ("Tarif tidak lengkap", "programmes"),
    ("Pembayar", "payer"),
)

def error_field(error: Exception) -> str | None:
    text = str(error)
    return next((field for start, field in ERROR_FIELDS if text.startswith(start)), None)


def end_reasons() -> list[tuple[str, str]]:
    """(code, label) of lifecycle.END_REASONS in the reader's language."""
    english = get_language() == "en"
    return [(code, labels[1] if english else labels[0]) for code, labels in lifecycle.END_REASONS.items()]


def programme_names(codes) -> str:
    return ", ".join(codes)


def decorate(batch):
    batch.start_label = month_label(batch.start_month)
    batch.end_label = month_label(add_months(batch.start_month, batch.months - 1))
    batch.programme_list = programme_names(batch.programmes)
    batch.status_class = {"committed": "partial", "submitted": "unpaid", "answered": "paid"}.get(batch.status, "")
    return batch


def payers_for_year(year: int):
    """Active payers with something in the year: a budget line, an enrolment batch or an invoice."""
    return Payer.objects.filter(active=True).filter(
        Q(budget_lines__fiscal_year=year) | Q(enrolment_batches__isnull=False) | Q(invoices__month__startswith=f"{year}-")
    ).distinct()


# The list of batches --------------------------------------------------------------------------------


@permission_required("enrolment.view_enrolmentbatch", raise_exception=True)
def batch_list(request):
    """Batches, newest first; the budget of the current fiscal year per payer for those who may see it."""
    batches = EnrolmentBatch.objects.select_related("payer", "created_by")
    page = Paginator(batches, BATCHES_PER_PAGE).get_page(request.GET.get("page"))
    for batch in page:
        decorate(batch)
    year = this_year()
    budgets = None
    if request.user.has_perm("programmes.view_budgetline"):
        budgets = [budget_status(payer, year) for payer in payers_for_year(year)]
    return render(request, "enrolment/batch_list.html", {
        "page": page, "query": "", "year": year, "budgets": budgets,
    })


# Targeting ------------------------------------------------------------------------------------------


@permission_required("enrolment.target_people", raise_exception=True)
def target(request):
    """Choose a budget and see whom it covers, poorest first; then commit the batch."""
    form = TargetForm(request.POST or None)
    commit_form = CommitForm(request.POST or None)
    preview = None
    context = {"form": form, "commit_form": commit_form, "changed": False, "error": ""}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            preview = targeting.preview(data["budget"], data["months"], data["start_month"], payer=data["payer"],
                                        programmes=data["programmes"])
        except targeting.TargetingError as e:
            form.add_error(error_field(e), billing_message(e))
        else:
            checked = form.fingerprint(preview)
            if request.POST.get("action") == "commit" and request.POST.get("checked") == checked:
                commit_form.is_valid()
                allow = commit_form.cleaned_data.get("allow_over_budget", False)
                if preview.budget_warning and not allow:
                    commit_form.add_error("allow_over_budget", _(
                        "This batch goes over the allocation. Tick the box to accept that, or lower the budget."))
                else:
                    try:
                        batch = targeting.commit(preview, user=request.user, note=commit_form.cleaned_data.get("note", ""),
                                                 allow_over_budget=allow)
                    except targeting.TargetingError as e:
                        field = error_field(e)
                        if field:
                            form.add_error(field, billing_message(e))
                        else:
                            context["error"] = billing_message(e)
                    else:
                        messages.success(request, commit_summary(batch))
                        return redirect("enrolment:batch", pk=batch.pk)
            else:
                context["changed"] = request.POST.get("action") == "commit"
            context["preview"] = preview_context(preview)
            context["checked"] = checked
    return render(request, "enrolment/target.html", context)


def preview_context(preview) -> dict:
    """The preview's figures with names: kecamatan and villages from the region table, segment labels."""
    kecamatan = Region.objects.in_bulk(list(preview.by_kecamatan))
    segments = Segment.objects.in_bulk(list(preview.by_segment) + [row["segment"] for row in preview.outside])
    villages = Region.objects.select_related("parent").in_bulk([row["village_id"] for row in preview.outside])
    outside = []
    for row in preview.outside:
        village = villages.get(row["village_id"])
        segment = segments.get(row["segment"])
        outside.append({
            **row,
            "segment_label": segment.label if segment else row["segment"],
            "village_name": f"{village.name}, {village.parent.name}" if village else row["village_id"],
        })
    return {
        "result": preview,
        "month_label": month_label(preview.start_month),
        "end_label": month_label(preview.end_month),
        "left_out": preview.eligible - preview.covered,
        "warning": budget_warning(preview.budget_warning),
        "by_kecamatan": [
            {"code": code, "name": kecamatan[code].name if code in kecamatan else code, "people": n}
            for code, n in preview.by_kecamatan.items()
        ],
        "by_segment": [
            {"code": code, "name": segments[code].label if code in segments else code, "people": n}
            for code, n in preview.by_segment.items()
        ],
        "outside": outside,
        "policy": preview.policy,
    }


def budget_warning(text: str | None) -> str:
    """The warning in the reader's language, without its leading 'Anggaran: ' / 'Budget: ' (the page says so)."""
    if not text:
        return ""
    half = billing_message(text)
    for prefix in ("Anggaran: ", "Budget: "):
        half = half.removeprefix(prefix)
    return half


def commit_summary(batch) -> str:
    values = {
        "batch": batch.pk,
        "people": number_format(batch.people, force_grouping=True),
        "cost": rupiah(batch.cost),
        "month": month_label(batch.start_month),
    }
    return ngettext(
        "Batch %(batch)s committed: %(people)s person from %(month)s, %(cost)s. Send the file to BPJS next.",
        "Batch %(batch)s committed: %(people)s people from %(month)s, %(cost)s. Send the file to BPJS next.",
        batch.people,
    ) % values


# One batch ------------------------------------------------------------------------------------------


def may_see_members(user) -> bool:
    """Names and masked NIKs: those who see people, and the BPJS officers who receive the batch's file."""
    return user.has_perm("registry.view_person") or user.has_perm("enrolment.exchange_bpjs_files")


def jobs_key(batch) -> str:
    """The session's list of file jobs this user started for the batch whose outcome they have not seen yet."""
    return f"enrolment-jobs-{batch.pk}"


def file_jobs_context(request, batch) -> dict:
    """Jobs still running (anybody's), a message on the user's own finished ones (once), the report of the latest
    BPJS response read (anybody's: the next officer, or the same one after logging in again, still needs its
    per-row problems), the latest file."""
    if not request.user.has_perm("enrolment.exchange_bpjs_files"):
        return {}
    jobs = batch.file_jobs.select_related("created_by")
    running = list(jobs.filter(state__in=[BpjsFileJob.State.QUEUED, BpjsFileJob.State.RUNNING])
                   .order_by("created_at", "id"))
    waiting = request.session.get(jobs_key(batch), [])
    finished = {job.pk: job for job in jobs.filter(pk__in=waiting).exclude(pk__in=[j.pk for j in running])}
    failures = []
    for job in sorted(finished.values(), key=lambda j: (j.created_at, j.pk)):
        if job.state == BpjsFileJob.State.FAILED:
            failures.append(billing_message(job.error))
        elif job.kind == BpjsFileJob.Kind.IMPORT:
            messages.success(request, response_summary(job.result))
    read = jobs.filter(kind=BpjsFileJob.Kind.IMPORT, state=BpjsFileJob.State.DONE).first()
    if finished:
        request.session[jobs_key(batch)] = [pk for pk in waiting if pk not in finished]
    for job in running:
        job.kind_label = (_("Making the file for BPJS…") if job.kind == BpjsFileJob.Kind.EXPORT
                          else _("Reading the BPJS response…"))
    export = jobs.filter(kind=BpjsFileJob.Kind.EXPORT, state=BpjsFileJob.State.DONE).first()
    return {"running_jobs": running, "report": read.result if read else None, "report_job": read,
            "job_failures": failures, "export_job": export}


@permission_required("enrolment.view_enrolmentbatch", raise_exception=True)
def batch_detail(request, pk, upload_form=None):
    batch = decorate(get_object_or_404(EnrolmentBatch.objects.select_related("payer", "created_by"), pk=pk))
    status = request.GET.get("status", "").strip()
    counts = dict(batch.members.order_by().values_list("status").annotate(n=Count("pk")))
    context = {
        "batch": batch,
        "counts": [(value, label, counts.get(value, 0)) for value, label in BatchMemberStatus.choices],
        "upload_form": upload_form or ResponseUploadForm(),
        "status": status if status in BatchMemberStatus.values else "",
        **file_jobs_context(request, batch),
    }
    if batch.exported_at:
        reconciliation = bpjs_files.reconciliation(batch)
        missing = reconciliation["missing"]
        reconciliation.update(missing_count=len(missing), missing=missing[:MISSING_SHOWN],
                              missing_more=max(len(missing) - MISSING_SHOWN, 0))
        context["reconciliation"] = reconciliation
    context["may_see_members"] = may_see_members(request.user)
    if context["may_see_members"]:
        members = batch.members.select_related("person", "person__village", "person__village__parent", "person__segment")
        if context["status"]:
            members = members.filter(status=context["status"])
        if not request.user.has_perm("registry.view_all_areas"):
            members = members.filter(person__in=Person.objects.in_scope_of(request.user))
        context["members"] = Paginator(members.order_by("rank"), PAGE_SIZE).get_page(request.GET.get("page"))
        context["query"] = f"status={context['status']}" if context["status"] else ""
    return render(request, "enrolment/batch_detail.html", context)


def batch_filename(batch) -> str:
    return f"pendaftaran-bpjs-batch-{batch.pk}.xlsx"


def start_job(request, batch, kind, **fields) -> BpjsFileJob:
    job = BpjsFileJob.objects.create(batch=batch, kind=kind, created_by=request.user, **fields)
    request.session[jobs_key(batch)] = [*request.session.get(jobs_key(batch), []), job.pk]
    (run_export if kind == BpjsFileJob.Kind.EXPORT else run_import).enqueue(job.pk)
    return job


@require_POST
@permission_required(["enrolment.view_enrolmentbatch", "enrolment.exchange_bpjs_files"], raise_exception=True)
def batch_export(request, pk):
    """Make the batch's collective-registration spreadsheet in the background; the page offers it when done."""
    batch = get_object_or_404(EnrolmentBatch, pk=pk)
    start_job(request, batch, BpjsFileJob.Kind.EXPORT, filename=batch_filename(batch))
    return redirect(f"{reverse('enrolment:batch', args=[batch.pk])}#bpjs-files")


@permission_required(["enrolment.view_enrolmentbatch", "enrolment.exchange_bpjs_files"], raise_exception=True)
def batch_export_file(request, pk, job):
    """The finished file for BPJS, with full NIKs: every download is audited."""
    job = get_object_or_404(BpjsFileJob.objects.select_related("batch"), pk=job, batch_id=pk,
                            kind=BpjsFileJob.Kind.EXPORT, state=BpjsFileJob.State.DONE)
    path = Path(job.stored_as)
    if not job.stored_as or not path.is_file():
        raise Http404
    audit.record(AuditEvent.Action.EXPORT_PERSONAL_DATA, target=job.batch,
                 summary=f"BPJS registration file of batch #{job.batch.pk} downloaded (full NIK)")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.filename or batch_filename(job.batch),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@require_POST
@permission_required(["enrolment.view_enrolmentbatch", "enrolment.exchange_bpjs_files"], raise_exception=True)
def batch_response(request, pk):
    """Read BPJS's answer in the background: membership numbers for the accepted, reasons for the rejected."""
    batch = get_object_or_404(EnrolmentBatch, pk=pk)
    form = ResponseUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        folder = var_dir() / "enrolment" / "responses"
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        fd = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds full NIKs
        with os.fdopen(fd, "wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        start_job(request, batch, BpjsFileJob.Kind.IMPORT, stored_as=str(stored), filename=Path(upload.name).name)
        return redirect(f"{reverse('enrolment:batch', args=[batch.pk])}#response")
    return batch_detail(request, pk, upload_form=form)


def response_summary(report: dict) -> str:
    values = {
        "file": report["file"],
        "rows": number_format(report["rows"], force_grouping=True),
        "accepted": number_format(report["accepted"], force_grouping=True),
        "rejected": number_format(report["rejected"], force_grouping=True),
    }
    return ngettext(
        "%(file)s read: %(rows)s row, %(accepted)s accepted, %(rejected)s rejected.",
        "%(file)s read: %(rows)s rows, %(accepted)s accepted, %(rejected)s rejected.",
        report["rows"],
    ) % values


# Budget ---------------------------------------------------------------------------------------------


@permission_required("programmes.view_budgetline", raise_exception=True)
def budget(request):
    """Per payer, for a fiscal year: allocated, committed, billed, paid, what remains, the year-end forecast."""
    year_form = BudgetYearForm(request.GET or None, initial={"year": this_year()})
    year = (year_form.cleaned_data["year"] if year_form.is_valid() else None) or this_year()
    form = BudgetLineForm(request.POST or None, initial={"fiscal_year": year})
    if request.method == "POST":
        if not (request.user.has_perm("programmes.add_budgetline") or request.user.has_perm("programmes.change_budgetline")):
            raise PermissionDenied
        if form.is_valid():
            saved = save_budget_line(request.user, form)
            if saved is not None:
                messages.success(request, saved)
                url = reverse("enrolment:budget")
                return redirect(f"{url}?year={form.cleaned_data['fiscal_year']}")
    lines = BudgetLine.objects.filter(fiscal_year=year).select_related("payer", "programme").order_by(
        "payer__kind", "payer__name", "programme__sort")
    return render(request, "enrolment/budget.html", {
        "year_form": year_form,
        "year": year,
        "form": form,
        "budgets": [budget_status(payer, year) for payer in payers_for_year(year)],
        "lines": lines,
        "may_change": request.user.has_perm("programmes.add_budgetline") or request.user.has_perm("programmes.change_budgetline"),
    })


def save_budget_line(user, form) -> str | None:
    """Add the line, or change the amount of the payer's line for that year and programme; audited."""
    data = form.cleaned_data
    key = {"payer": data["payer"], "fiscal_year": data["fiscal_year"], "programme": data["programme"]}
    values = {
        "payer": data["payer"].name, "fiscal_year": data["fiscal_year"], "programme": data["programme"].code,
        "amount": data["amount"], "reference": data["reference"],
    }
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().filter(**key).first()
        if line is None:
            if not user.has_perm("programmes.add_budgetline"):
                form.add_error(None, _("You may change existing budget lines but not add new ones."))
                return None
            line = BudgetLine.objects.create(amount=data["amount"], reference=data["reference"], **key)
            audit.record(AuditEvent.Action.CREATE, target=line, summary=f"budget line {line.fiscal_year} "
                         f"{data['payer'].name} {data['programme'].code}: Rp {line.amount:,}", after=values)
            message = _("Budget line added: %(payer)s, %(programme)s %(year)s, %(amount)s.")
        else:
            if not user.has_perm("programmes.change_budgetline"):
                form.add_error(None, _("You may add budget lines but not change existing ones."))
                return None
            before = {**values, "amount": line.amount, "reference": line.reference}
            line.amount, line.reference = data["amount"], data["reference"]
            line.save(update_fields=["amount", "reference"])
            audit.record(AuditEvent.Action.UPDATE, target=line, summary=f"budget line {line.fiscal_year} "
                         f"{data['payer'].name} {data['programme'].code}: Rp {line.amount:,}", before=before, after=values)
            message = _("Budget line changed: %(payer)s, %(programme)s %(year)s, now %(amount)s.")
    return message % {"payer": data["payer"].name, "programme": data["programme"].code, "year": data["fiscal_year"],
                      "amount": rupiah(data["amount"])}


# Eligibility policy ---------------------------------------------------------------------------------


@permission_required("enrolment.view_eligibilitypolicy", raise_exception=True)
def policy(request):
    """The policies in force, to come and past; a new decision is a new row from its date."""
    form = PolicyForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("enrolment.add_eligibilitypolicy"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                row = EligibilityPolicy.objects.create(
                    effective_from=data["effective_from"], age_min=data["age_min"], age_max=data["age_max"],
                    segments=[s.code for s in data["segments"]], segment_priority=data["segment_priority"],
                    source=data["source"], created_by=request.user,
                )
                audit.record(AuditEvent.Action.CREATE, target=row, summary=f"eligibility policy from {row.effective_from}",
                             after={"effective_from": str(row.effective_from), "age_min": row.age_min,
                                    "age_max": row.age_max, "segments": row.segments,
                                    "segment_priority": row.segment_priority, "source": row.source})
            messages.success(request, _("Eligibility policy saved: in force from %(day)s.")
                             % {"day": row.effective_from.strftime("%d-%m-%Y")})
            return redirect("enrolment:policy")
    today = timezone.localdate()
    policies = list(EligibilityPolicy.objects.select_related("created_by"))
    current = next((p for p in policies if p.effective_from <= today), None)
    labels = {s.code: s.label for s in Segment.objects.all()}
    for p in policies:
        p.state = "upcoming" if p.effective_from > today else ("current" if p is current else "past")
        p.segment_labels = [labels.get(code, code) for code in p.segments]
        p.priority_labels = [labels.get(code, code) for code in p.segment_priority]
    return render(request, "enrolment/policy.html", {"form": form, "policies": policies})


# Renewal --------------------------------------------------------------------------------------------


@permission_required("enrolment.target_people", raise_exception=True)
def renew(request):
    """Carry the payer's members into the next year or drop those no longer eligible: first the figures, then confirm."""
    form = RenewForm(request.POST or None)
    context = {"form": form, "changed": False}
    if request.method == "POST" and form.is_valid():
        payer, year = form.cleaned_data["payer"], form.cleaned_data["year"]
        fingerprint = form.fingerprint()
        try:
            if request.POST.get("action") == "confirm" and request.POST.get("checked") == fingerprint:
                report = lifecycle.renew(payer, year, user=request.user)
                messages.success(request, renewal_summary(report))
                return render(request, "enrolment/renew.html", {
                    **context, "form": RenewForm(initial={"payer": payer, "year": year}),
                    "report": renewal_context(report), "done": True,
                })
            context["changed"] = request.POST.get("action") == "confirm"
            context["report"] = renewal_context(dry_renewal(payer, year))
            context["checked"] = fingerprint
        except lifecycle.LifecycleError as e:
            form.add_error("year", billing_message(e))
    return render(request, "enrolment/renew.html", context)


def dry_renewal(payer, year):
    """What renew() would do, computed by renew() itself in a transaction that is rolled back."""
    with transaction.atomic():
        report = lifecycle.renew(payer, year)
        transaction.set_rollback(True)
    return report


def renewal_context(report) -> dict:
    reasons = dict(end_reasons())
    people = report.people
    found = Person.objects.select_related("village", "village__parent", "segment").in_bulk([p["person_id"] for p in people])
    return {
        "result": report,
        "dropped": [(reasons.get(code, code), n) for code, n in report.dropped.items()],
        "dropped_total": sum(report.dropped.values()),
        "people": [{**p, "person": found.get(p["person_id"]), "reason_label": reasons.get(p["reason"], p["reason"])}
                   for p in people],
    }


def renewal_summary(report) -> str:
    values = {
        "year": report.year,
        "carried": number_format(report.carried, force_grouping=True),
        "dropped": number_format(sum(report.dropped.values()), force_grouping=True),
    }
    if not report.changed:
        return _("Renewal for %(year)s: nothing to do (already renewed, or nobody's membership ends this December).") % values
    return _("Renewal for %(year)s done: %(carried)s people carried over, %(dropped)s dropped.") % values


# Ending a person's membership -----------------------------------------------------------------------


def live_memberships(person):
    """A person's memberships that can still end: not ended, not rejected by BPJS."""
    return person.memberships.exclude(status__in=[MembershipStatus.ENDED, MembershipStatus.REJECTED]).select_related(
        "programme", "payer").order_by("programme__sort", "start_month")


def end_membership_form(person, data=None):
    """The form on the person page, or None when nothing is left to end."""
    memberships = list(live_memberships(person))
    if not memberships:
        return None
    return EndMembershipForm(data, memberships=memberships, reasons=end_reasons())


@require_POST
@permission_required(["registry.view_person", "enrolment.target_people"], raise_exception=True)
def end_membership(request, pk):
    from lindung.registry.views import detail_context, person_in_scope

    person = person_in_scope(request, pk)
    form = end_membership_form(person, request.POST)
    if form is None:
        messages.info(request, _("Nothing to end: this person has no running membership."))
        return redirect("registry:person-detail", pk=person.pk)
    if form.is_valid():
        data = form.cleaned_data
        memberships = live_memberships(person)
        if data["programme"]:
            memberships = memberships.filter(programme_id=data["programme"])
        try:
            ended = lifecycle.end_memberships(Membership.objects.filter(pk__in=list(memberships.values_list("pk", flat=True))),
                                              data["reason"], data["last_month"], user=request.user, note=data["note"])
        except lifecycle.LifecycleError as e:
            form.add_error("last_month", billing_message(e))
        else:
            messages.success(request, ngettext(
                "%(n)s membership ended: last month %(month)s (%(reason)s).",
                "%(n)s memberships ended: last month %(month)s (%(reason)s).", ended,
            ) % {"n": ended, "month": month_label(data["last_month"]), "reason": dict(end_reasons())[data["reason"]]})
            return redirect("registry:person-detail", pk=person.pk)
    context = detail_context(request, person, unmasked=False)
    context["end_form"] = form
    return render(request, "registry/person_detail.html", context)
