import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.intake import review
from lindung.intake.forms import UploadForm
from lindung.intake.models import ImportBatch, ImportRow
from lindung.intake.tasks import run_import
from lindung.keys import var_dir


def batches_of(user):
    """Officers see every import; a village operator sees the ones they uploaded."""
    batches = ImportBatch.objects.select_related("uploaded_by")
    return batches if user.has_perm("registry.view_all_areas") else batches.filter(uploaded_by=user)


@permission_required("registry.add_person", raise_exception=True)
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        folder = var_dir() / "intake" / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with open(stored, "wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        batch = ImportBatch.objects.create(
            filename=Path(upload.name).name, stored_as=str(stored), uploaded_by=request.user,
            source=form.cleaned_data["source"] or Path(upload.name).name,
        )
        run_import.enqueue(batch.pk)
        return redirect("intake:batch", pk=batch.pk)
    page = Paginator(batches_of(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "intake/upload.html", {"form": form, "page": page, "query": ""})


@permission_required("registry.add_person", raise_exception=True)
def batch_detail(request, pk):
    batch = get_object_or_404(batches_of(request.user), pk=pk)
    outcomes = batch.outcome_batch.outcomes.exclude(status="accepted").exclude(status="unchanged")
    page = Paginator(outcomes, 50).get_page(request.GET.get("page"))
    return render(request, "intake/batch.html", {
        "batch": batch, "page": page, "query": "",
        "running": batch.state in (ImportBatch.State.QUEUED, ImportBatch.State.RUNNING),
    })


@permission_required("registry.add_person", raise_exception=True)
def annotated(request, pk):
    """The original file with Status and Keterangan columns, in its own format. It holds NIKs: audited."""
    from lindung.intake.services import annotated_file

    batch = get_object_or_404(batches_of(request.user), pk=pk, state=ImportBatch.State.DONE)
    path = annotated_file(batch)
    if path is None:
        raise Http404
    audit.record(AuditEvent.Action.EXPORT_PERSONAL_DATA, target=batch, summary=f"annotated {batch.filename}")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"{Path(batch.filename).stem}-status{path.suffix}")


@permission_required("registry.add_person", raise_exception=True)
def template(request):
    from lindung.intake.writer import write_template

    path = var_dir() / "intake" / "template-lindung.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_template(path)
    return FileResponse(open(path, "rb"), as_attachment=True, filename="template-lindung.xlsx")


def reviewer_required(view):
    """The review queue is the officers' (whole regency, may change the registry)."""
    return permission_required(["registry.change_person", "registry.view_all_areas",
                                "registry.view_unmasked_personal_data"], raise_exception=True)(view)


@reviewer_required
def review_queue(request):
    page = Paginator(review.pending(), 50).get_page(request.GET.get("page"))
    return render(request, "intake/review_queue.html", {"page": page, "query": ""})


@reviewer_required
def review_row(request, pk):
    row = get_object_or_404(ImportRow.objects.select_related("batch"), pk=pk, status="review")
    people = review.candidates(row)
    error = ""
    if request.method == "POST":
        person = next((p for p in people if str(p.pk) == request.POST.get("person")), None)
        try:
            review.decide(row, request.POST.get("decision", ""), user=request.user, person=person)
        except (review.DecisionError, ValueError) as e:
            error = str(e)
        else:
            messages.success(request, _("Decision saved for row %(row)s.") % {"row": row.row})
            next_row = review.pending().first()
            return redirect("intake:review-row", pk=next_row.pk) if next_row else redirect("intake:review")
    audit.record(AuditEvent.Action.VIEW_PERSONAL_DATA, target=row, summary=f"review of {row.batch.filename} row {row.row}")
    for person in people:  # shown unmasked beside the row: each person's page lists this look too
        audit.record(AuditEvent.Action.VIEW_PERSONAL_DATA, target=person,
                     summary=f"review of {row.batch.filename} row {row.row}")
    return render(request, "intake/review_row.html", {
        "row": row, "values": review.row_values(row), "people": people, "error": error,
        "decisions": ImportRow.Decision.choices,
    })
