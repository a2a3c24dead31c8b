import uuid
from pathlib import Path

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.intake.forms import UploadForm
from lindung.intake.models import ImportBatch
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
    outcomes = batch.outcomes.exclude(status="accepted").exclude(status="unchanged")
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
