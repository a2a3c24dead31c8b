"""Charts and maps as SVG: what a reader of the drawing (or of its text, as a screen reader) gets."""
import re
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.coverage.charts import (
    ATTRIBUTION, bar_chart, choropleth, kecamatan_areas, legend_for, trend_chart, village_areas,
)
from lindung.coverage.charts.breaks import NO_DATA
from lindung.coverage.charts.maps import Projection

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str):
    """The drawing as XML: it must be well-formed, whatever the names in it."""
    return ElementTree.fromstring(svg)


def kecamatan_map(values, **options):
    return choropleth(
        kecamatan_areas(), values, legend_for(values.values()), label="Coverage by kecamatan",
        legend_title="Protected", no_data="no data", **options,
    )


def test_the_kecamatan_map_draws_all_23_kecamatan_with_names_links_and_attribution():
    areas = kecamatan_areas()
    assert len(areas) == 23
    assert [a.code for a in areas] == [f"32.16.{n:02d}" for n in range(1, 24)]
    values = {area.code: 100 * i for i, area in enumerate(areas)}
    svg = kecamatan_map(values, links={a.code: f"/coverage/kecamatan/{a.code}/" for a in areas})
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Coverage by kecamatan"
    paths = root.findall(f".//{SVG}path")
    assert sorted(p.get("data-code") for p in paths) == [a.code for a in areas]
    assert all(p.get("d").startswith("M") and p.get("d").endswith("Z") for p in paths)
    links = root.findall(f".//{SVG}a")
    assert {a.get("href") for a in links} == {f"/coverage/kecamatan/{a.code}/" for a in areas}
    titles = {p.get("data-code"): p.find(f"{SVG}title").text for p in paths}
    assert titles["32.16.04"] == "Tambelang: 300"
    assert "Tambelang" in [t.text for t in root.iter(f"{SVG}text")]
    assert ATTRIBUTION in [t.text for t in root.iter(f"{SVG}text")]


def test_the_map_stays_inside_its_drawing_and_keeps_the_regency_upright():
    areas = kecamatan_areas()
    project = Projection(areas, 400)
    points = [project(lon, lat) for a in areas for poly in a.polygons for ring in poly for lon, lat in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    assert min(xs) >= 5.99 and max(xs) <= 394.01 and min(ys) >= 5.99 and max(ys) <= project.height - 5.99
    # Bekasi is about 0.33° wide and 0.57° tall: taller than wide, north (Muaragembong) at the top.
    assert 1.6 < (project.height - 12) / 388 < 1.8
    north = next(a for a in areas if a.name == "Muaragembong")
    south = next(a for a in areas if a.name == "Cibarusah")
    assert project(*north.polygons[0][0][0])[1] < project(*south.polygons[0][0][0])[1]


def test_legend_classes_cover_every_value_and_missing_figures_are_no_data():
    values = {"32.16.01": 0, "32.16.02": 5, "32.16.03": 50, "32.16.04": None}
    legend = legend_for(values.values())
    assert [band.label(str) for band in legend.bands] == ["0–4", "5–49", "50"]
    root = parse(kecamatan_map(values))
    fills = {p.get("data-code"): p.get("fill") for p in root.iter(f"{SVG}path")}
    assert fills["32.16.04"] == NO_DATA and fills["32.16.23"] == NO_DATA  # none given
    assert len({fills["32.16.01"], fills["32.16.02"], fills["32.16.03"]}) == 3
    legend_texts = [t.text for t in root.find(f".//{SVG}g[@class='legend']").iter(f"{SVG}text")]
    assert legend_texts == ["Protected", "0–4", "5–49", "50", "no data"]


def test_rates_get_percentages_in_the_legend():
    legend = legend_for([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], classes=3)
    assert [band.label(lambda v: f"{v:.0%}") for band in legend.bands] == ["10%–30%", "30%–50%", "50%–60%"]


def test_an_empty_map_and_empty_charts_say_so_instead_of_drawing_nothing():
    values = {}
    root = parse(kecamatan_map(values))
    assert {p.get("fill") for p in root.iter(f"{SVG}path")} == {NO_DATA}
    assert [t.text for t in root.find(f".//{SVG}g[@class='legend']").iter(f"{SVG}text")] == ["Protected", "no data"]
    for svg in (bar_chart([], label="By segment"), trend_chart([], label="Trend"),
                choropleth((), {}, legend_for([]), label="Villages", legend_title="x", no_data="No boundaries")):
        root = parse(svg)
        assert root.get("role") == "img"
        assert not root.findall(f".//{SVG}rect") and not root.findall(f".//{SVG}path")


def test_names_are_escaped_everywhere():
    name = 'Kp. <Pulo> & "Sawah"'
    root = parse(bar_chart([{"label": name, "value": 3, "href": "/x?a=1&b=2"}], label=f"By {name}"))
    assert root.get("aria-label") == f"By {name}"
    assert name in [t.text for t in root.iter(f"{SVG}text")]
    assert f"{name}: 3" in [t.text for t in root.iter(f"{SVG}title")]
    assert root.find(f".//{SVG}a").get("href") == "/x?a=1&b=2"
    areas = kecamatan_areas()[:2]
    svg = choropleth(areas, {areas[0].code: 1}, legend_for([1]), label="<b>", legend_title="&", no_data="<none>",
                     titles={areas[0].code: name})
    root = parse(svg)
    assert name in [t.text for t in root.iter(f"{SVG}title")]
    assert "<none>" in [t.text for t in root.iter(f"{SVG}text")]


def test_bars_are_as_long_as_their_values_and_the_trend_keeps_month_order():
    root = parse(bar_chart([{"label": "Petani", "value": 300}, {"label": "Nelayan", "value": 100},
                            {"label": "Ojek", "value": 0}], label="By segment"))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.2) and widths[2] == 0
    points = [{"label": m, "value": v} for m, v in (("Jan", 10), ("Feb", 30), ("Mar", 20))]
    root = parse(trend_chart(points, label="Trend"))
    heights = [float(r.get("height")) for r in root.iter(f"{SVG}rect")]
    assert heights[1] > heights[2] > heights[0] > 0
    month_labels = [t.text for t in root.iter(f"{SVG}text") if t.text in ("Jan", "Feb", "Mar")]
    assert month_labels == ["Jan", "Feb", "Mar"]


def test_village_maps_draw_the_villages_of_one_kecamatan():
    tambelang = village_areas("32.16.04")
    assert "32.16.04.2001" in [a.code for a in tambelang]
    assert all(a.code.startswith("32.16.04.") for a in tambelang)
    assert sum(len(village_areas(a.code)) for a in kecamatan_areas()) == 187
    assert village_areas("32.16.99") == ()
    sukawangi = next(a for a in village_areas("32.16.03") if a.code == "32.16.03.2004")
    assert len(sukawangi.polygons) > 1  # the one MultiPolygon: every part is drawn
    root = parse(choropleth(village_areas("32.16.03"), {}, legend_for([]), label="v", legend_title="t", no_data="n"))
    d = next(p.get("d") for p in root.iter(f"{SVG}path") if p.get("data-code") == "32.16.03.2004")
    assert d.count("M") >= len(sukawangi.polygons)


values_strategy = st.lists(st.one_of(st.none(), st.integers(0, 10**6)), max_size=60) | st.lists(
    st.one_of(st.none(), st.floats(0, 1, allow_nan=False)), max_size=60)


@given(values_strategy, st.integers(1, 5))
def test_every_value_falls_in_exactly_one_legend_class(values, classes):
    legend = legend_for(values, classes)
    assert len(legend.bands) <= classes
    for value in values:
        inside = [band for band in legend.bands if band.contains(value)]
        assert len(inside) == (0 if value is None else 1)
    # No empty class: every class colours at least one of the values.
    for band in legend.bands:
        assert any(band.contains(value) for value in values)
    assert len({band.colour for band in legend.bands}) == len(legend.bands)


@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=8), st.integers(0, 10**9))
def test_any_label_gives_well_formed_svg(labels, value):
    rows = [{"label": label, "value": value} for label in labels]
    parse(bar_chart(rows, label=labels[0]))
    parse(trend_chart(rows, label=labels[0]))
