from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from lindung.billing.views import month_label
from lindung.coverage import drawings
from lindung.coverage.figures import kecamatan_figures, month_figures
from lindung.coverage.forms import SelectionForm
from lindung.regions.services import districts_of


def _selected(request):
    form = SelectionForm(request.GET or None)
    return form, form.selection()


@permission_required("registry.view_overview", raise_exception=True)
def dashboard(request):
    """Headline figures, trend, breakdowns and the map for a month (the latest paid one by default)."""
    form, selection = _selected(request)
    context = {"form": form, "selection": selection}
    if selection is not None:
        query = form.query(selection)
        figures = month_figures(selection)

        def kecamatan_link(code):
            return f"{reverse('coverage:kecamatan', args=[code])}?{query}"

        context.update(
            figures=figures,
            month_name=month_label(selection.month),
            drawings=drawings.dashboard_drawings(figures, kecamatan_link),
            headline=figures["headline"],
            rate_text=drawings.percent(figures["rate"]),
            target_text=drawings.percent(figures["headline"]["target_rate"]),
            kecamatan_rows=drawings.with_rates(figures["by_kecamatan"], kecamatan_link),
            by_segment=drawings.with_rates(figures["by_segment"]),
            by_sex_rows=drawings.with_rates(figures["by_sex"]),
            by_age_band=drawings.with_rates(figures["by_age_band"]),
            trend_rows=[{**point, "name": month_label(point["month"])} for point in figures["trend"]],
            by_sex={row["code"]: row["protected"] for row in figures["by_sex"]},
            query=query,
        )
    return render(request, "coverage/dashboard.html", context)


@permission_required("registry.view_overview", raise_exception=True)
def kecamatan(request, code):
    """One kecamatan: its villages on a map and in a table, for the dashboard's selection."""
    district = districts_of().filter(code=code).first()
    if district is None:
        raise Http404
    form, selection = _selected(request)
    context = {"form": form, "selection": selection, "district": district}
    if selection is not None:
        figures = kecamatan_figures(selection, code)
        context.update(
            figures=figures,
            month_name=month_label(selection.month),
            rate_text=drawings.percent(figures["rate"]),
            # Each village's row leads to its report (a PDF for the village head).
            village_rows=drawings.with_rates(figures["by_village"], lambda village: reverse("reports:village", args=[village])),
            map=drawings.village_map(code, figures["by_village"]),
            chart=drawings.breakdown(figures["by_village"], district.name),
            query=form.query(selection),
            filters=[dict(form.fields[name].choices)[str(value)]
                     for name, value in (("segment", selection.segment), ("payer", selection.payer)) if value],
        )
    return render(request, "coverage/kecamatan.html", context)
