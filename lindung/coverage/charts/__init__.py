"""Charts and maps as SVG strings, from plain data: one definition serves the screen and the PDF.

The dashboard inlines them in its HTML page and the reports in the HTML WeasyPrint turns into PDF, so both
show the very same drawing. Pure: plain values in, a string out; no ORM, no request, no network.
"""
from lindung.coverage.charts.bars import bar_chart, trend_chart
from lindung.coverage.charts.breaks import Band, Legend, legend_for
from lindung.coverage.charts.maps import ATTRIBUTION, Area, choropleth, kecamatan_areas, village_areas

__all__ = [
    "ATTRIBUTION", "Area", "Band", "Legend", "bar_chart", "choropleth", "kecamatan_areas", "legend_for",
    "trend_chart", "village_areas",
]
