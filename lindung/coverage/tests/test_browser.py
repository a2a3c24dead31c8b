"""The dashboard in a real browser (Debian's Chromium) on the demo register, enrolled, billed and paid by
`lindung start`: the map shows every kecamatan with a legend, and a kecamatan leads to its villages."""
import re

from playwright.sync_api import expect

from lindung.tests.test_browser import PASSWORD, browser, log_in, running_lindung  # noqa: F401 (fixtures)


def test_the_dashboard_maps_all_23_kecamatan_with_a_legend_and_drills_down(running_lindung, browser):
    url, _ = running_lindung
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, url, "pimpinan", PASSWORD)
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Cakupan").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Cakupan: \w+ \d{4}$"))).to_be_visible()
    protected = int(page.locator("#protected").inner_text().replace(".", ""))
    assert 0 < protected <= 500

    the_map = page.get_by_role("img", name="Peta orang terlindungi per kecamatan")
    expect(the_map).to_be_visible()
    expect(the_map.locator("path[data-code]")).to_have_count(23)
    legend = the_map.locator("g.legend text")
    expect(legend.first).to_have_text("Orang terlindungi")
    expect(legend.last).to_have_text("tidak ada data")
    assert legend.count() >= 3  # the title, at least one class, "no data"
    # Every kecamatan's colour is one of the legend's.
    swatches = set(the_map.locator("g.legend rect").evaluate_all("rs => rs.map(r => r.getAttribute('fill'))"))
    fills = the_map.locator("path[data-code]").evaluate_all("ps => ps.map(p => p.getAttribute('fill'))")
    assert set(fills) <= swatches
    expect(page.get_by_text("Boundaries: cahyadsn/wilayah_boundaries (MIT)")).to_be_visible()
    # The table beside the map adds up to the headline figure.
    rows = page.locator(".map-pair tbody tr td:nth-child(2)").all_inner_texts()
    assert len(rows) == 23 and sum(int(n.replace(".", "")) for n in rows) == protected

    # Drill down: the area on the map is a link to the kecamatan's villages.
    the_map.locator('a:has(path[data-code="32.16.04"])').click()
    expect(page.get_by_role("heading", name=re.compile(r"^Kecamatan Tambelang: "))).to_be_visible()
    villages = page.get_by_role("img", name="Peta orang terlindungi per desa/kelurahan")
    expect(villages.locator("path[data-code]")).to_have_count(7)
    expect(page.locator(".map-pair tbody tr")).to_have_count(7)
    page.close()
