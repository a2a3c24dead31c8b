"""The dashboard's drawings, defined once: the page inlines them and the Paritrana PDF prints the same SVG.

Each takes the figures of lindung.coverage.figures and returns SVG (see lindung.coverage.charts), in the
active language, numbers formatted as the reader's locale writes them.
"""
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lindung.coverage.charts import bar_chart, choropleth, kecamatan_areas, legend_for, trend_chart, village_areas
from lindung.months import month_start


def count(value) -> str:
    return number_format(value, 0, force_grouping=True)


def percent(value) -> str:
    """0.125 -> '12,5 %' (in the reader's locale); '' for None (no denominator)."""
    return "" if value is None else f"{number_format(value * 100, 1)} %"


def short_month(month: str) -> str:
    from django.utils.dates import MONTHS_3

    first = month_start(month)
    return f"{MONTHS_3[first.month].title()} {first.strftime('%y')}"


def with_rates(rows: list[dict], link=None) -> list[dict]:
    """Rows for a table: the rate written out ("" without a denominator), the drill-down link if any."""
    return [
        {**row, "rate_text": percent(row["rate"]),
         "href": link(row["code"]) if link else None}
        for row in rows
    ]


def row_text(row: dict) -> str:
    """'1.234 (12,5 %)' when a rate is known, else '1.234'."""
    if row.get("rate") is not None:
        return f"{count(row['protected'])} ({percent(row['rate'])})"
    return count(row["protected"])


def breakdown(rows: list[dict], label: str, link=None, width: int = 560) -> str:
    """Horizontal bars of protected people, one per row ({"code", "name", "protected", "rate"})."""
    return bar_chart(
        [{"label": row["name"], "value": row["protected"], "text": row_text(row),
          "href": link(row["code"]) if link else None} for row in rows],
        label=label, fmt=count, width=width,
    )


def trend(points: list[dict]) -> str:
    return trend_chart(
        [{"label": short_month(point["month"]), "value": point["protected"]} for point in points],
        label=_("People protected, month by month"), fmt=count,
    )


def area_map(areas, rows: list[dict], label: str, link=None) -> str:
    """A choropleth of rows over areas: the coverage rate where every area has a denominator, else the count."""
    by_rate = bool(rows) and all(row["rate"] is not None for row in rows)
    values = {row["code"]: (row["rate"] if by_rate else row["protected"]) for row in rows}
    titles = {
        row["code"]: _("%(name)s: %(figure)s protected") % {"name": row["name"], "figure": row_text(row)}
        for row in rows
    }
    return choropleth(
        areas, values, legend_for(values.values()), label=label,
        legend_title=_("Coverage rate") if by_rate else _("People protected"),
        no_data=_("no data"), fmt=percent if by_rate else count, titles=titles,
        links={row["code"]: link(row["code"]) for row in rows} if link else None,
    )


def kecamatan_map(rows: list[dict], link=None) -> str:
    return area_map(kecamatan_areas(), rows, _("Map of people protected by kecamatan"), link)


def village_map(kecamatan: str, rows: list[dict], link=None) -> str:
    return area_map(village_areas(kecamatan), rows, _("Map of people protected by village"), link)


def dashboard_drawings(figures: dict, kecamatan_link=None) -> dict[str, str]:
    """Every drawing of the dashboard, by name: trend, map, segment, sex, age_band, kecamatan."""
    return {
        "trend": trend(figures["trend"]),
        "map": kecamatan_map(figures["by_kecamatan"], kecamatan_link),
        "segment": breakdown(figures["by_segment"], _("People protected by segment")),
        "sex": breakdown(figures["by_sex"], _("People protected by sex")),
        "age_band": breakdown(figures["by_age_band"], _("People protected by age band")),
        "kecamatan": breakdown(figures["by_kecamatan"], _("People protected by kecamatan"), kecamatan_link),
    }
