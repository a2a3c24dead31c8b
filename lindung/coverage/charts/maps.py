"""Choropleth maps of the regency from its shipped boundaries, drawn as SVG paths.

Boundaries: lindung/regions/data/geo (cahyadsn/wilayah_boundaries, MIT; see SOURCE.md), [lon, lat] in WGS84.
They are projected to the drawing with an equirectangular projection corrected by cos(latitude) at the
centre of the areas drawn: at 6° south a degree of longitude is 0.995 of a degree of latitude, and the
correction keeps the regency's shape true at any latitude a deployment may have.
"""
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lindung.coverage.charts.breaks import NO_DATA, Legend
from lindung.coverage.charts.svg import MUTED, esc, plain_number, svg_open

GEO = Path(__file__).resolve().parents[2] / "regions" / "data" / "geo"
ATTRIBUTION = "Boundaries: cahyadsn/wilayah_boundaries (MIT)"
LEGEND_WIDTH = 190


@dataclass(frozen=True, eq=False)
class Area:
    """One kecamatan or village: its code, name and polygons (each a list of rings of (lon, lat)).

    Compared and hashed by identity (the boundaries are read once), so that drawings can be cached cheaply.
    """

    code: str
    name: str
    polygons: tuple


def read_areas(path: Path) -> tuple[Area, ...]:
    features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    areas = []
    for feature in features:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        areas.append(Area(
            code=feature["properties"]["code"],
            name=feature["properties"]["name"],
            polygons=tuple(tuple(tuple((lon, lat) for lon, lat in ring) for ring in polygon) for polygon in polygons),
        ))
    return tuple(sorted(areas, key=lambda area: area.code))


@lru_cache(maxsize=None)
def kecamatan_areas() -> tuple[Area, ...]:
    """The regency's 23 kecamatan."""
    return read_areas(GEO / "bekasi-kecamatan.geojson")


@lru_cache(maxsize=None)
def _villages() -> tuple[Area, ...]:
    return read_areas(GEO / "bekasi-desa.geojson")


def village_areas(kecamatan: str) -> tuple[Area, ...]:
    """The villages of one kecamatan ('32.16.04'); empty for a code the boundaries do not know."""
    return tuple(area for area in _villages() if area.code[:8] == kecamatan)


class Projection:
    """lon/lat to drawing coordinates inside a box, north up, keeping the shape (cos(lat) correction)."""

    def __init__(self, areas, width: float, padding: float = 6):
        points = [point for area in areas for polygon in area.polygons for ring in polygon for point in ring]
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        self.west, self.east, self.south, self.north = min(lons), max(lons), min(lats), max(lats)
        self.k = math.cos(math.radians((self.south + self.north) / 2))
        span_x = max((self.east - self.west) * self.k, 1e-9)
        span_y = max(self.north - self.south, 1e-9)
        self.scale = (width - 2 * padding) / span_x
        self.padding = padding
        self.width = width
        self.height = span_y * self.scale + 2 * padding

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.padding + (lon - self.west) * self.k * self.scale,
            self.padding + (self.north - lat) * self.scale,
        )


def path_data(area: Area, project: Projection) -> str:
    """The SVG path of an area: one closed subpath per ring (holes drawn by the even-odd rule)."""
    parts = []
    for polygon in area.polygons:
        for ring in polygon:
            points = [project(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def label_point(area: Area, project: Projection) -> tuple[float, float]:
    """Where to write the area's name: the area-weighted centroid of its largest outer ring."""
    ring = max((polygon[0] for polygon in area.polygons), key=lambda r: abs(_signed_area(r)))
    points = [project(lon, lat) for lon, lat in ring]
    twice, cx, cy = 0.0, 0.0, 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        cross = x0 * y1 - x1 * y0
        twice += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(twice) < 1e-9:
        return points[0]
    return cx / (3 * twice), cy / (3 * twice)


def _signed_area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


@lru_cache(maxsize=64)
def _drawn(areas: tuple, width: int) -> tuple[float, dict, dict]:
    """The areas projected into the drawing: its height, each area's path and where its name goes.

    The same for every request of a map (the boundaries do not change), so kept: a map is then coloured,
    not projected again.
    """
    project = Projection(areas, width)
    return (
        project.height,
        {area.code: path_data(area, project) for area in areas},
        {area.code: label_point(area, project) for area in areas},
    )


def choropleth(
    areas, values: dict, legend: Legend, *, label: str, legend_title: str, no_data: str, fmt=plain_number,
    titles: dict | None = None, links: dict | None = None, names: bool = True, width: int = 420,
    attribution: str = ATTRIBUTION, css_class: str = "map",
) -> str:
    """A map of `areas` coloured by `values` (code -> number or None; a missing code is no data).

    Each area is a path with a <title> (titles[code], or its name and figure) and, when links has its code,
    a link (drill-down). The legend (its classes by `fmt`, then "no data") sits to the right of the map and
    the attribution of the boundaries under it: both are part of the drawing, on screen and on paper.
    """
    titles, links = titles or {}, links or {}
    if not areas:
        return f'{svg_open(width, 30, label, css_class)}<text x="4" y="19" fill="{MUTED}">{esc(no_data)}</text></svg>'
    map_height, paths, places = _drawn(tuple(areas), width)
    legend_rows = len(legend.bands) + 1
    height = max(map_height, 40 + 22 * legend_rows) + 22
    parts = [svg_open(width + LEGEND_WIDTH, height, label, css_class)]
    parts.append('<g stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd">')
    for area in areas:
        value = values.get(area.code)
        title = titles.get(area.code) or (f"{area.name}: {fmt(value)}" if value is not None else f"{area.name}: {no_data}")
        shape = (
            f'<path d="{paths[area.code]}" fill="{legend.colour_of(value)}" data-code="{esc(area.code)}">'
            f"<title>{esc(title)}</title></path>"
        )
        if area.code in links:
            shape = f'<a href="{esc(links[area.code])}" aria-label="{esc(title)}">{shape}</a>'
        parts.append(shape)
    parts.append("</g>")
    if names:
        # A white halo under each name, then the name: paint-order is not understood by every renderer.
        places = [(places[area.code], esc(area.name)) for area in areas]
        for halo in (True, False):
            style = 'fill="#ffffff" stroke="#ffffff" stroke-width="2" stroke-opacity="0.75" fill-opacity="0.75" aria-hidden="true"' if halo else 'fill="#111111"'
            parts.append(f'<g font-size="8" text-anchor="middle" pointer-events="none" {style}>')
            parts.extend(f'<text x="{x:.1f}" y="{y:.1f}">{name}</text>' for (x, y), name in places)
            parts.append("</g>")
    parts.append(_legend(legend, width + 12, 12, legend_title, no_data, fmt))
    parts.append(f'<text x="4" y="{height - 6:.1f}" font-size="10" fill="{MUTED}">{esc(attribution)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(legend: Legend, x: float, y: float, title: str, no_data: str, fmt) -> str:
    parts = [f'<g class="legend"><text x="{x}" y="{y + 10}" font-weight="bold">{esc(title)}</text>']
    rows = [(band.colour, band.label(fmt)) for band in legend.bands] + [(NO_DATA, no_data)]
    for i, (colour, text) in enumerate(rows):
        top = y + 22 + i * 22
        parts.append(
            f'<rect x="{x}" y="{top}" width="18" height="14" fill="{colour}" stroke="{MUTED}" stroke-width="0.5"/>'
            f'<text x="{x + 26}" y="{top + 11}">{esc(text)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
