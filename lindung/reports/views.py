from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lindung.accounts import audit
from lindung.billing.views import billing_message
from lindung.coverage.figures import paid_months
from lindung.regions.services import villages_of
from lindung.reports import paritrana as documents
from lindung.reports.forms import InnovationForm, RegulationForm
from lindung.reports.models import Innovation, Regulation

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def villages_for(user):
    """The villages whose report `user` may download: every one for the regency's staff, else those served."""
    if user.has_perm("registry.view_overview") and user.has_perm("registry.view_all_areas"):
        return villages_of()
    return villages_of().filter(code__in=user.villages.values("code"))


@login_required
def index(request):
    """The Paritrana pack (years with payments), the regulations and innovations, and the village reports."""
    overview = request.user.has_perm("registry.view_overview")
    villages = villages_for(request.user)
    if not overview and not villages.exists():
        raise PermissionDenied
    years = sorted({int(month[:4]) for month in paid_months()}, reverse=True) if overview else []
    return render(request, "reports/index.html", {
        "years": years,
        "overview": overview,
        "regulations": Regulation.objects.all() if request.user.has_perm("reports.view_regulation") else None,
        "innovations": Innovation.objects.all() if request.user.has_perm("reports.view_innovation") else None,
        "villages": villages.select_related("parent"),
    })


def download(content: bytes, kind: str, filename: str, action: str, summary: str, target=None) -> HttpResponse:
    """A report as an attachment; each download is audited, like the invoice documents."""
    audit.record(action, target=target, summary=f"{summary} ({filename})")
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("registry.view_overview", raise_exception=True)
def paritrana(request, year: int, kind: str):
    if kind not in CONTENT_TYPES:
        raise Http404
    try:
        content = getattr(documents, f"paritrana_{kind}")(year)
    except documents.ReportError as error:
        messages.error(request, billing_message(error))
        return redirect("reports:index")
    return download(content, kind, f"paritrana-{year}.{kind}", "reports.pack_download", f"{year} {kind.upper()}")


@login_required
def village(request, code: str):
    region = villages_for(request.user).filter(code=code).first()
    if region is None:
        if villages_of().filter(code=code).exists():
            raise PermissionDenied
        raise Http404
    try:
        content = documents.village_pdf(code)
    except documents.ReportError as error:
        messages.error(request, billing_message(error))
        return redirect("reports:index")
    return download(content, "pdf", f"cakupan-{code}.pdf", "reports.village_download", f"{code} {region.name}",
                    target=region)


def _edit(request, model, form_class, pk, template):
    """Add (pk None) or change one record; every change audited with what it was and what it became."""
    app, name = model._meta.app_label, model._meta.model_name
    needed = f"{app}.add_{name}" if pk is None else f"{app}.change_{name}"
    if not request.user.has_perm(needed):
        raise PermissionDenied
    instance = get_object_or_404(model, pk=pk) if pk is not None else None
    before = model_to_dict(instance) if instance else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        if instance is None:
            record.created_by = request.user
        record.save()
        audit.record(f"reports.{name}_{'add' if instance is None else 'edit'}", target=record, summary=str(record),
                     before=_jsonable(before), after=_jsonable(model_to_dict(record)))
        messages.success(request, _("Saved: %(record)s") % {"record": record})
        return redirect("reports:index")
    return render(request, template, {"form": form, "instance": instance, "model": model._meta})


def _jsonable(values):
    return {key: str(value) for key, value in values.items()} if values else None


@login_required
def regulation_edit(request, pk=None):
    return _edit(request, Regulation, RegulationForm, pk, "reports/edit.html")


@login_required
def innovation_edit(request, pk=None):
    return _edit(request, Innovation, InnovationForm, pk, "reports/edit.html")
