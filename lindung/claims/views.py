import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.billing.forms import MonthField
from lindung.billing.views import billing_message as in_language, month_label
from lindung.claims import checklist, protection
from lindung.claims.forms import DocumentForm, IncidentForm, StatusFileForm, StatusForm
from lindung.claims.models import ClaimStatus, Incident
from lindung.claims.services import (
    ClaimError, change_status, check_again, claims_summary, report_incident, stalled_claims, store_document,
)
from lindung.claims.status_file import StatusFileError, import_status_file
from lindung.months import month_of
from lindung.regions.models import Region
from lindung.registry.models import Person
from lindung.registry.services import search_people
from lindung.registry.views import person_in_scope

PAGE_SIZE = 25


def coverage_text(coverage: dict) -> str:
    """Protected or not, and why, as the claim page says it."""
    reason, detail = coverage.get("reason"), coverage.get("detail") or {}
    month = month_label(coverage["month"]) if coverage.get("month") else ""
    values = {"programme": coverage.get("programme", ""), "month": month,
              "paid": ", ".join(coverage.get("paid_programmes") or []) or "—"}
    if reason == protection.PROTECTED:
        return _("Protected on the incident date: the %(programme)s contribution for %(month)s is paid "
                 "(programmes paid: %(paid)s).") % values
    if reason == protection.NOT_MEMBER:
        return _("Not protected: not a member of BPJS Ketenagakerjaan through lindung.")
    if reason == protection.NOT_IN_PROGRAMME:
        return _("Not protected: a member of %(others)s, but not of %(programme)s, which pays for this incident.") % {
            **values, "others": ", ".join(detail.get("programmes", []))}
    if reason == protection.PENDING_AT_BPJS:
        return _("Not protected yet: the enrolment was sent to BPJS and is not confirmed.")
    if reason == protection.REJECTED:
        return _("Not protected: BPJS rejected the enrolment.")
    if reason == protection.NOT_STARTED:
        return _("Not protected: the membership began in %(start)s, after the incident.") % {
            "start": month_label(detail["start"])}
    if reason == protection.ENDED:
        text = _("Not protected: the membership ended in %(end)s, before the incident.") % {
            "end": month_label(detail["end"])}
        return text + (f" ({detail['end_reason']})" if detail.get("end_reason") else "")
    if reason == protection.LAPSED:
        return _("Not protected: the membership was inactive in %(month)s after consecutive unpaid months.") % values
    if reason == protection.UNPAID:
        return _("Not protected: the %(programme)s contribution for %(month)s was not paid.") % values
    if reason == protection.NOT_BILLED:
        return _("Not confirmed: %(month)s has not been billed yet. Check again after the billing run.") % values
    return reason or ""


def incident_in_scope(request, pk) -> Incident:
    incident = Incident.objects.in_scope_of(request.user).select_related(
        "person", "village", "village__parent", "programme").filter(pk=pk).first()
    if incident is not None:
        return incident
    outside = Incident.objects.filter(pk=pk).first()
    if outside is not None:
        audit.refusal(request, "outside the user's villages", target=outside)
    raise Http404(_("No such claim in your area."))


def decorate(incident: Incident) -> Incident:
    incident.coverage_text = coverage_text(incident.coverage)
    incident.stalled_days = (timezone.now() - incident.status_since).days
    return incident


@permission_required("claims.view_incident", raise_exception=True)
def index(request):
    status = request.GET.get("status", "").strip()
    claims = Incident.objects.in_scope_of(request.user).select_related("person", "village", "programme")
    if status in ClaimStatus.values:
        claims = claims.filter(status=status)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    for incident in page:
        decorate(incident)
    stalled = [decorate(i) for i in stalled_claims().filter(
        pk__in=Incident.objects.in_scope_of(request.user).values("pk")).select_related("person", "village")[:50]]
    return render(request, "claims/index.html", {
        "page": page, "status": status, "statuses": ClaimStatus.choices, "stalled": stalled,
        "query": f"status={status}" if status else "",
    })


@permission_required("claims.add_incident", raise_exception=True)
def report(request):
    """Choose the worker (search within the user's villages), then report what happened."""
    person_id = request.GET.get("person") or request.POST.get("person")
    if not person_id:
        text = request.GET.get("q", "").strip()
        people = search_people(Person.objects.active().in_scope_of(request.user).select_related("village"),
                               text=text) if text else Person.objects.none()
        return render(request, "claims/choose_person.html", {"q": text, "people": people[:20]})
    if not str(person_id).isdigit():
        raise Http404
    person = person_in_scope(request, int(person_id))
    form = IncidentForm(request.POST or None, person=person, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = report_incident(
                person, kind=data["kind"], occurred_on=data["occurred_on"], place=data["place"],
                circumstances=data["circumstances"], contact_name=data["contact_name"],
                contact_relation=data["contact_relation"], contact_phone=data["contact_phone"],
                children=data["children"], incapacity_months=data["incapacity_months"],
                disability_percent=data["disability_percent"], end_memberships=data["end_memberships"],
                user=request.user,
            )
        except ClaimError as e:
            form.add_error("occurred_on", in_language(e))
        else:
            messages.success(request, _("Reported as %(number)s.") % {"number": incident.number})
            return redirect("claims:detail", pk=incident.pk)
    return render(request, "claims/report.html", {"person": person, "form": form})


def checklist_rows(incident: Incident) -> list[dict]:
    language = get_language() or "id"
    uploaded: dict[str, list] = {}
    for document in incident.documents.select_related("uploaded_by"):
        uploaded.setdefault(document.code, []).append(document)
    return [{"code": d.code, "label": d.label(language), "files": uploaded.get(d.code, [])}
            for d in checklist.required_documents(incident.kind, incident.occurred_on)]


def detail_context(request, incident, *, unmasked=False, **forms) -> dict:
    decorate(incident)
    rows = checklist_rows(incident)
    context = {
        "incident": incident, "unmasked": unmasked, "checklist": rows,
        "missing": sum(1 for r in rows if not r["files"]),
        "steps": incident.steps.select_related("user"),
        "document_form": forms.get("document_form") or DocumentForm(incident=incident),
        "status_form": forms.get("status_form") or StatusForm(initial={"on": timezone.localdate()}),
        "member_since": incident.coverage.get("member_since"),
    }
    return context


@permission_required("claims.view_incident", raise_exception=True)
def detail(request, pk):
    incident = incident_in_scope(request, pk)
    return render(request, "claims/detail.html", detail_context(request, incident))


@require_POST
@permission_required(["claims.view_incident", "registry.view_unmasked_personal_data"], raise_exception=True)
def reveal(request, pk):
    incident = incident_in_scope(request, pk)
    audit.record(AuditEvent.Action.VIEW_PERSONAL_DATA, target=incident,
                 summary=f"contact of {incident.number} ({incident.person.full_name})")
    return render(request, "claims/detail.html", detail_context(request, incident, unmasked=True))


@require_POST
@permission_required("claims.change_incident", raise_exception=True)
def recheck(request, pk):
    incident = incident_in_scope(request, pk)
    try:
        changed = check_again(incident, user=request.user)
    except ClaimError as e:
        messages.error(request, in_language(e))
    else:
        messages.success(request, _("Coverage checked again: changed.") if changed
                         else _("Coverage checked again: nothing changed."))
    return redirect("claims:detail", pk=incident.pk)


@require_POST
@permission_required("claims.change_incident", raise_exception=True)
def upload(request, pk):
    incident = incident_in_scope(request, pk)
    form = DocumentForm(request.POST, request.FILES, incident=incident)
    if form.is_valid():
        try:
            store_document(incident, form.cleaned_data["code"], form.cleaned_data["file"], user=request.user)
        except ClaimError as e:
            form.add_error("file", in_language(e))
        else:
            messages.success(request, _("Document kept."))
            return redirect("claims:detail", pk=incident.pk)
    return render(request, "claims/detail.html", detail_context(request, incident, document_form=form), status=400)


@permission_required("claims.view_incident", raise_exception=True)
def document(request, pk, document_pk):
    """A scanned document, downloaded: every download is audited."""
    incident = incident_in_scope(request, pk)
    item = incident.documents.filter(pk=document_pk).first()
    if item is None or not Path(item.stored_as).exists():
        raise Http404(_("No such document."))
    audit.record(AuditEvent.Action.EXPORT_PERSONAL_DATA, target=incident,
                 summary=f"{incident.number}: document {item.code} ({item.filename}) downloaded")
    return FileResponse(open(item.stored_as, "rb"), as_attachment=True, filename=item.filename,
                        content_type=item.content_type)


@require_POST
@permission_required("claims.update_claim_status", raise_exception=True)
def status(request, pk):
    incident = incident_in_scope(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = change_status(incident, data["status"], on=data["on"], amount=data["amount"],
                                    reason=data["reason"], user=request.user, source="screen")
        except ClaimError as e:
            if incident.closed:  # the page offers no status form to show the error beside
                messages.error(request, in_language(e))
                return redirect("claims:detail", pk=incident.pk)
            form.add_error("status", in_language(e))
        else:
            messages.success(request, _("Status changed.") if changed else _("Nothing was changed."))
            return redirect("claims:detail", pk=incident.pk)
    return render(request, "claims/detail.html", detail_context(request, incident, status_form=form), status=400)


@permission_required("claims.import_claim_status", raise_exception=True)
def import_status(request):
    form = StatusFileForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as saved:
            for chunk in upload.chunks():
                saved.write(chunk)
            saved.flush()
            try:
                result = import_status_file(Path(saved.name), upload.name, user=request.user)
            except StatusFileError as e:
                form.add_error("file", in_language(e))
        if result is not None:
            counts = {o: sum(1 for r in result.outcomes if r["outcome"] == o) for o in ("changed", "unchanged", "error")}
            messages.success(request, _("%(rows)s rows: %(changed)s changed, %(unchanged)s unchanged, %(error)s with "
                                        "errors.") % {"rows": result.rows, **counts})
    english = (get_language() or "id") == "en"
    outcomes = [{**o, "message": o["message_en"] if english else o["message_id"]} for o in result.outcomes] \
        if result else []
    return render(request, "claims/import.html", {"form": form, "result": result, "outcomes": outcomes})


@permission_required("claims.view_claim_totals", raise_exception=True)
def totals(request):
    today = timezone.localdate()
    first_field, last_field = MonthField(required=False), MonthField(required=False)
    try:
        first = first_field.clean(request.GET.get("from") or f"{today.year}-01")
        last = last_field.clean(request.GET.get("until") or month_of(today))
    except ValidationError as e:
        first, last = f"{today.year}-01", month_of(today)
        messages.error(request, " ".join(e.messages))
    summary = claims_summary(first, last)
    rows = summary["rows"]
    names = dict(Region.objects.filter(code__in={r["kecamatan"] for r in rows}).values_list("code", "name"))
    for row in rows:
        row["kecamatan_name"] = names.get(row["kecamatan"], row["kecamatan"])
        row["month_label"] = month_label(row["month"])
    return render(request, "claims/totals.html", {
        "rows": rows, "by_programme": summary["by_programme"],
        "first": first, "last": last, "claims": summary["claims"], "paid": summary["paid"],
    })
