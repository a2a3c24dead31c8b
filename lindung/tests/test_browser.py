"""End to end, as a new user: `lindung start` on a fresh SQLite folder, then a real browser (Debian's Chromium)."""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


PASSWORD = "Sawah-hijau-2026"
ROLE_USERS = [
    ("petugas", "officer", []),
    ("operator", "village_operator", ["Desa Sukawijaya"]),
    ("bpjs", "bpjs_officer", []),
    ("pimpinan", "leader", []),
]
MENUS = {
    "admin": ["Ringkasan", "Registrasi", "Impor data", "Kepesertaan", "Cakupan", "Laporan", "Iuran", "Klaim", "Log audit",
              "Akun saya"],
    "petugas": ["Ringkasan", "Registrasi", "Impor data", "Kepesertaan", "Cakupan", "Laporan", "Iuran", "Klaim", "Akun saya"],
    "operator": ["Registrasi", "Impor data", "Laporan", "Klaim", "Akun saya"],
    "bpjs": ["Ringkasan", "Kepesertaan", "Cakupan", "Laporan", "Iuran", "Klaim", "Akun saya"],
    "pimpinan": ["Ringkasan", "Kepesertaan", "Cakupan", "Laporan", "Iuran", "Klaim", "Log audit", "Akun saya"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def running_lindung(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    port = free_port()
    env = {**os.environ, "LINDUNG_VAR_DIR": str(var), "LINDUNG_DATABASE_URL": f"sqlite:///{var}/lindung.sqlite3"}
    log = open(var / "start.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "lindung.cli", "start", "--port", str(port), "--demo-workers", "500"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url + "/login/", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("lindung start did not serve:\n" + Path(var / "start.log").read_text())
            time.sleep(0.5)
    for username, role, villages in ROLE_USERS:
        subprocess.run(
            [sys.executable, "-m", "lindung.cli", "users", "add", username, "--role", role, "--password-stdin",
             *[arg for v in villages for arg in ("--village", v)]],
            env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True,
        )
    yield url, (var / "admin-password").read_text().strip()
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}])
def test_log_in_and_browse_the_demo_register(running_lindung, browser, viewport):
    url, password = running_lindung
    page = browser.new_page(viewport=viewport)
    page.goto(url + "/")
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    page.get_by_label("Nama pengguna").fill("admin")
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_role("heading", name="Registrasi pekerja")).to_be_visible()
    expect(page.get_by_text("500 orang")).to_be_visible()
    first_nik = page.locator("tbody td.mono").first.inner_text()
    assert first_nik[4:12] == "********"

    page.get_by_label("Segmen").select_option("farmer")
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("tbody tr").first).to_contain_text("Petani")

    page.locator("tbody a").first.click()
    expect(page.get_by_role("heading", name="Riwayat")).to_be_visible()
    expect(page.get_by_text("demo:seed=1").first).to_be_visible()

    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    page.get_by_role("link", name="Registry").first.click()
    expect(page.get_by_role("heading", name="Registry of workers")).to_be_visible()
    page.get_by_role("button", name="ID", exact=True).click()
    page.close()


def log_in(page, url, username, password):
    page.goto(url + "/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


@pytest.mark.parametrize("username", list(MENUS))
def test_each_role_sees_its_own_menu(running_lindung, browser, username):
    url, admin_password = running_lindung
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    log_in(page, url, username, admin_password if username == "admin" else PASSWORD)
    menu = page.get_by_role("navigation", name="Menu utama").get_by_role("link")
    expect(menu).to_have_text(MENUS[username])
    page.close()


def test_a_village_operator_sees_only_their_village(running_lindung, browser):
    url, _ = running_lindung
    officer = browser.new_page()
    log_in(officer, url, "petugas", PASSWORD)
    officer.goto(url + "/registry/?village=32.16.08")  # Cikarang Barat, not the operator's
    officer.locator("tbody a").first.click()
    elsewhere = officer.url
    officer.close()

    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, url, "operator", PASSWORD)
    villages = page.locator("tbody tr td:nth-child(5)").all_inner_texts()
    assert villages and all(v == "Sukawijaya, Tambelang" for v in villages)
    response = page.goto(elsewhere)
    assert response.status == 404
    expect(page.get_by_role("heading", name="Tidak ditemukan")).to_be_visible()
    page.close()


def test_the_frame_is_keyboard_navigable(running_lindung, browser):
    url, _ = running_lindung
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    log_in(page, url, "petugas", PASSWORD)
    expect(page.get_by_role("heading", name="Registrasi pekerja")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Langsung ke isi")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    page.get_by_label("Nama atau NIK").focus()
    page.keyboard.type("a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Registrasi pekerja")).to_be_visible()
    page.close()


def test_an_officer_enrols_runs_billing_and_records_a_payment(running_lindung, browser):
    url, _ = running_lindung
    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, url, "petugas", PASSWORD)
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Iuran").click()
    expect(page.get_by_role("heading", name="Iuran dan tagihan")).to_be_visible()

    # Farmers into JHT from this month (a programme the demo register is not in, whatever its history).
    page.get_by_role("link", name="Daftarkan peserta").click()
    page.get_by_label("Petani", exact=True).check()
    page.get_by_label("JKK — Jaminan Kecelakaan Kerja").uncheck()
    page.get_by_label("JKM — Jaminan Kematian").uncheck()
    page.get_by_label("JHT — Jaminan Hari Tua").check()
    page.get_by_role("button", name="Pratinjau").click()
    expect(page.locator("#preview-people")).to_contain_text("orang di registrasi cocok")
    page.get_by_role("button", name=re.compile("^Konfirmasi: .* kepesertaan baru$")).click()
    expect(page.get_by_role("status").first).to_contain_text("kepesertaan mulai")

    month = page.get_by_label("Bulan").input_value()  # the current month by default
    assert re.fullmatch(r"\d{4}-\d{2}", month)
    page.get_by_role("button", name="Jalankan penagihan").click()
    expect(page.get_by_role("status").first).to_contain_text(re.compile(r"Penagihan .* selesai: [\d.]+ peserta, Rp [\d.]+"))

    invoice = f"INV/{month.replace('-', '')}/"
    page.get_by_role("link", name=invoice).first.click()
    expect(page.get_by_role("heading", name=re.compile("^Tagihan INV"))).to_be_visible()
    count = page.locator("p.count")
    before = int(re.match(r"[\d.]+", count.inner_text()).group(0).replace(".", ""))
    page.get_by_label("Jumlah (Rp)").fill("1.000.000")
    page.get_by_label("Referensi (SP2D, transfer)").fill("SP2D uji 001")
    page.get_by_role("button", name="Catat pembayaran").click()
    expect(page.get_by_role("status").first).to_contain_text("Pembayaran Rp 1.000.000 dicatat")
    expect(page.locator("#payments")).to_contain_text("SP2D uji 001")
    after = int(re.match(r"[\d.]+", count.inner_text()).group(0).replace(".", ""))
    assert after < before
    page.close()


def test_an_officer_targets_people_under_a_budget_and_commits_the_batch(running_lindung, browser):
    url, _ = running_lindung
    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, url, "petugas", PASSWORD)
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Kepesertaan").click()
    expect(page.get_by_role("heading", name="Penargetan dan kepesertaan")).to_be_visible()

    # JHT paid by the workers themselves: a programme and payer the demo register has no memberships of.
    page.get_by_role("link", name="Sasar dengan anggaran").click()
    page.get_by_label("Anggaran (Rp)").fill("1.000.000")
    expect(page.get_by_label("Jumlah bulan")).to_have_value("12")
    page.get_by_label("Pembayar").select_option(label="Peserta mandiri")
    page.get_by_label("JKK — Jaminan Kecelakaan Kerja").uncheck()
    page.get_by_label("JKM — Jaminan Kematian").uncheck()
    page.get_by_label("JHT — Jaminan Hari Tua").check()
    page.get_by_role("button", name="Pratinjau").click()

    # Rp 20,000 a month for twelve months: the budget covers four people, and no allocation is recorded.
    expect(page.locator("#covered")).to_have_text("4")
    expect(page.locator("#cost")).to_have_text("Rp 960.000")
    expect(page.locator("#budget-warning")).to_contain_text("belum ada pagu")
    expect(page.locator("#outside tr").first).to_be_visible()
    page.get_by_role("button", name="Simpan: 4 orang").click()
    expect(page.locator("#id_allow_over_budget_error")).to_contain_text("Centang")
    page.get_by_label("Saya menerima melebihi alokasi").check()
    page.get_by_role("button", name="Simpan: 4 orang").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Batch \d+"))).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("4 orang")
    expect(page.locator("#members tr")).to_have_count(4)
    expect(page.locator("#members")).to_contain_text("calon")
    page.close()


def test_a_village_operator_reports_a_death_on_a_phone_and_sees_the_coverage_check(running_lindung, browser):
    url, _ = running_lindung
    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, url, "operator", PASSWORD)
    name = page.locator("tbody tr td a").first.inner_text()  # someone of the operator's village

    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Klaim").click()
    page.get_by_role("link", name="Laporkan kematian atau kecelakaan kerja").click()
    page.get_by_label("Siapa? NIK atau nama").fill(name)
    page.get_by_role("button", name="Cari").click()
    page.locator("#people").get_by_role("link", name=name).first.click()
    expect(page.locator("#worker")).to_contain_text(name)

    # The demo history is paid in full up to three months ago (enrolled since January, paid month by month).
    today = date.today()
    day = date(today.year, today.month, 15) - timedelta(days=92)
    page.get_by_label("meninggal dunia (bukan karena kecelakaan kerja)").check()
    page.get_by_label("Tanggal kejadian").fill(day.isoformat())
    page.get_by_label("Tempat").fill("Rumah, Kp. Pulo RT 003/RW 002")
    page.get_by_label("Kronologi").fill("Meninggal di rumah karena sakit")
    page.get_by_label("Nama ahli waris atau kontak pekerja yang cedera").fill("Ujang Suryana")
    page.get_by_label("Hubungan dengan pekerja").fill("anak")
    page.get_by_label("Telepon kontak").fill("0812 9999 8888")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Laporkan dan periksa perlindungan").click()

    expect(page.get_by_role("status").first).to_contain_text(re.compile(r"Dilaporkan sebagai KLM-\d{6}"))
    coverage = page.locator("#coverage")
    expect(coverage).to_be_visible()
    if today.month >= 7:  # enrolled in January: more than three months a member on the incident date
        expect(coverage).to_contain_text("Terlindungi pada tanggal kejadian: iuran JKM")
        expect(page.locator("#expected")).to_have_text("Rp 42.000.000")
    else:
        expect(coverage).to_contain_text(re.compile("Terlindungi|Tidak terlindungi|Belum dapat dipastikan"))
    expect(page.locator("#documents")).to_contain_text("Surat keterangan ahli waris")
    expect(page.locator("#contact")).to_contain_text("U**** S******")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()
