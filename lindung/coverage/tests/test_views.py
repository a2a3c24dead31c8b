"""The coverage dashboard and its drill-down to villages, on a register enrolled, billed and partly paid."""
import re

import pytest
from django.urls import reverse

from lindung.billing.services import enrol, run_billing
from lindung.coverage.charts import village_areas
from lindung.coverage.tests.test_indicators import march  # noqa: F401 (the fixture: March 2026 partly paid)
from lindung.programmes.models import Payer
from lindung.registry.models import Person
from lindung.tests.pages import field_error, text

pytestmark = pytest.mark.django_db


def svg_paths(response, css_class: str) -> list[str]:
    """The data-code of every area drawn in the page's map (the <svg class="chart map">)."""
    svg = re.search(rf'<svg [^>]*class="chart {css_class}".*?</svg>', response.content.decode(), re.S).group(0)
    return re.findall(r'<path [^>]*data-code="([^"]+)"', svg)


def table_row(response, name: str) -> list[str]:
    """The cells of the first table row whose first cell reads `name`."""
    for row in re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        if cells and cells[0] == name:
            return cells
    raise AssertionError(f"no row {name!r}")


@pytest.mark.parametrize("role, status", [
    ("admin", 200), ("officer", 200), ("leader", 200), ("bpjs_officer", 200), ("village_operator", 403),
])
def test_leaders_and_officers_see_the_dashboard_and_a_village_operator_is_refused(client, login, march, role, status):
    login(role)
    assert client.get(reverse("coverage:dashboard")).status_code == status
    assert client.get(reverse("coverage:kecamatan", args=["32.16.04"])).status_code == status
    menu = client.get(reverse("account")).content.decode()
    assert ('href="/coverage/"' in menu) == (status == 200)


def test_the_dashboard_opens_on_the_latest_paid_month_with_figures_charts_and_the_map(client, login, march):
    login("leader")
    response = client.get(reverse("coverage:dashboard"))
    page = text(response)
    # April is billed but nothing of it is paid: March is the month shown.
    assert "Cakupan: Maret 2026" in page
    assert re.search(r'id="protected">5<', response.content.decode())
    # Against the regency's working population shipped with the data (no kecamatan figures imported).
    assert "dari 1.500.000 penduduk usia kerja" in page
    assert sorted(svg_paths(response, "map")) == [f"32.16.{n:02d}" for n in range(1, 24)]
    assert table_row(response, "Tambelang")[:2] == ["Tambelang", "3"]
    assert table_row(response, "Cikarang Barat")[:2] == ["Cikarang Barat", "2"]
    assert table_row(response, "Setu")[:2] == ["Setu", "0"]
    assert table_row(response, "Petani")[:2] == ["Petani", "3"]
    assert table_row(response, "Maret 2026")[:2] == ["Maret 2026", "5"]
    assert table_row(response, "Februari 2026")[:2] == ["Februari 2026", "0"]  # the 12 months up to March
    assert "Boundaries: cahyadsn/wilayah_boundaries (MIT)" in page
    # The map's areas and the table's names lead to the kecamatan, keeping the month.
    assert 'href="/coverage/kecamatan/32.16.04/?month=2026-03"' in response.content.decode()
    for name in ("trend", "bars", "map"):
        assert f'class="chart {name}"' in response.content.decode()
    assert 'role="img"' in response.content.decode()


def test_filters_by_segment_and_payer(client, login, march):
    login("officer")
    farmers = client.get(reverse("coverage:dashboard"), {"month": "2026-03", "segment": "farmer"})
    assert re.search(r'id="protected">3<', farmers.content.decode())
    assert table_row(farmers, "Nelayan")[:2] == ["Nelayan", "0"]
    apbd = Payer.objects.get(kind="apbd")
    others = Payer.objects.exclude(pk=apbd.pk)
    assert re.search(r'id="protected">5<', client.get(reverse("coverage:dashboard"), {"payer": apbd.pk}).content.decode())
    if others.exists():
        response = client.get(reverse("coverage:dashboard"), {"payer": others.first().pk})
        assert re.search(r'id="protected">0<', response.content.decode())


def test_a_month_that_is_not_paid_is_refused_with_a_message_and_the_latest_shown(client, login, march):
    login("leader")
    response = client.get(reverse("coverage:dashboard"), {"month": "2026-04"})
    assert field_error(response, "month")
    assert "Maret 2026" in text(response)


def test_the_kecamatan_page_maps_and_lists_its_villages(client, login, march):
    login("leader")
    response = client.get(reverse("coverage:kecamatan", args=["32.16.04"]), {"month": "2026-03"})
    page = text(response)
    assert "Kecamatan Tambelang: Maret 2026" in page
    assert sorted(svg_paths(response, "map")) == [area.code for area in village_areas("32.16.04")]
    assert table_row(response, "Sukawijaya")[:2] == ["Sukawijaya", "1"]
    assert 'href="/reports/village/32.16.04.2001/pdf/"' in response.content.decode()  # its report
    assert re.search(r'id="protected">3<', response.content.decode())
    assert 'id="filters"' not in response.content.decode()
    # Narrowed from the dashboard, the page says to what.
    narrowed = text(client.get(reverse("coverage:kecamatan", args=["32.16.04"]), {"month": "2026-03", "segment": "farmer"}))
    assert "Hanya: Petani" in narrowed
    assert client.get(reverse("coverage:kecamatan", args=["32.16.99"])).status_code == 404
    assert client.get(reverse("coverage:kecamatan", args=["32.17.01"])).status_code == 404


def test_before_anything_is_paid_the_dashboard_says_so(client, login, two_villages):
    login("leader")
    enrol(Person.objects.all(), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-03")
    run_billing("2026-03")  # billed, not paid: nobody is protected yet
    for url in (reverse("coverage:dashboard"), reverse("coverage:kecamatan", args=["32.16.04"])):
        response = client.get(url)
        assert response.status_code == 200
        assert "Belum ada iuran yang dibayar: cakupan dimulai dengan iuran pertama yang dibayar." in text(response)
        assert "<svg" not in response.content.decode()


def test_with_a_working_population_per_kecamatan_the_map_shows_coverage_rates(client, login, march, tmp_path):
    from lindung.coverage.denominators import import_denominators
    from lindung.regions.services import districts_of

    table = tmp_path / "penduduk-bekerja-2025.csv"
    table.write_text("Kecamatan,Penduduk bekerja\n" + "".join(f"{name},1000\n" for name in districts_of().values_list("name", flat=True)))
    result = import_denominators(table, 2026, "BPS Kabupaten Bekasi, Sakernas 2025 (test)")
    assert not result.errors, result.errors
    login("leader")
    response = client.get(reverse("coverage:dashboard"))
    svg = re.search(r'<svg [^>]*class="chart map".*?</svg>', response.content.decode(), re.S).group(0)
    legend = re.findall(r"<text[^>]*>([^<]*)</text>", re.search(r'<g class="legend">.*?</g>', svg, re.S).group(0))
    assert legend[0] == "Tingkat cakupan" and legend[-1] == "tidak ada data"
    assert all(label.endswith("%") for label in legend[1:-1])
    # Tambelang: 3 of 1,000; the table beside the map has the population and the rate.
    assert table_row(response, "Tambelang") == ["Tambelang", "3", "1.000", "0,3 %"]
    assert "Tambelang: 3 (0,3 %) terlindungi" in svg
