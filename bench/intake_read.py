"""Benchmark: reading worker lists (lindung.intake.reader.read_table) from CSV and XLSX.

Writes lists of 100 k and 1 M workers to a temporary folder (CSV with Polars; XLSX with xlsxwriter in
constant_memory mode, which stores text inline, as streaming writers do; "xlsx-shared" with text in a
shared table, as Excel and LibreOffice save it, slow to write), then reads each in a fresh process,
several times, and prints seconds, rows/s and peak memory.

    .venv/bin/python bench/intake_read.py
    .venv/bin/python bench/intake_read.py --sizes 100000 --formats csv,xlsx,xlsx-shared --repeat 5
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from fresh import peak_memory_mb

HEADER = [
    "NIK", "Nama Lengkap", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin", "Desa", "Kecamatan", "Segmen",
    "Pekerjaan", "Penghasilan", "No HP", "Desil", "No KK", "Alamat",
]
TITLE = "DAFTAR PEKERJA RENTAN KABUPATEN BEKASI 2026"


def workers(rows: int):
    """A deterministic list of `rows` workers as a Polars frame of text (birth dates as dd/mm/yyyy)."""
    import polars as pl

    index = pl.int_range(0, rows, eager=True)
    born = [date(1962, 1, 1) + timedelta(days=d) for d in range(0, 365 * 46, 7)]
    return pl.DataFrame({
        "NIK": "32160" + (index % 9 + 1).cast(pl.String) + (index % 1_000_000).cast(pl.String).str.zfill(10),
        "Nama Lengkap": "Warga " + index.cast(pl.String),
        "Tempat Lahir": pl.Series(["Bekasi", "Karawang", "Jakarta", "Bogor"])[index % 4],
        "Tanggal Lahir": pl.Series([d.strftime("%d/%m/%Y") for d in born])[index % len(born)],
        "Jenis Kelamin": pl.Series(["L", "P"])[index % 2],
        "Desa": pl.Series(["Sukawijaya", "Sukamaju", "Telaga Asih", "Karangsatu"])[index % 4],
        "Kecamatan": pl.Series(["Tambelang", "Sukatani", "Cikarang Barat", "Karangbahagia"])[index % 4],
        "Segmen": pl.Series(["Petani", "Buruh tani", "Nelayan", "Pedagang"])[index % 4],
        "Pekerjaan": pl.Series(["Petani padi", "Buruh tani", "Nelayan", "Pedagang keliling"])[index % 4],
        "Penghasilan": (1_000_000 + (index % 50) * 25_000).cast(pl.String),
        "No HP": "0812" + (index % 100_000_000).cast(pl.String).str.zfill(8),
        "Desil": (index % 10 + 1).cast(pl.String),
        "No KK": "3216040101" + (index % 1_000_000).cast(pl.String).str.zfill(6),
        "Alamat": "Kp. Babakan RT " + (index % 20 + 1).cast(pl.String).str.zfill(3),
    })


def write_csv(path: Path, rows: int) -> None:
    workers(rows).write_csv(path)


def write_xlsx(path: Path, rows: int, constant_memory: bool = True) -> None:
    """Title and blank row above the header, as villages send them; income and decile as numbers.
    constant_memory writes text inline in the sheet; Excel and LibreOffice keep it in a shared table."""
    import xlsxwriter

    frame = workers(rows)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    sheet = workbook.add_worksheet("Daftar")
    sheet.write_string(0, 0, TITLE)
    sheet.write_row(2, 0, HEADER)
    numeric = {HEADER.index("Penghasilan"), HEADER.index("Desil")}
    for r, row in enumerate(frame.iter_rows(), start=3):
        for c, value in enumerate(row):
            if c in numeric:
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_string(r, c, value)
    workbook.close()


def read_case(path: str, repeat: int) -> dict:
    from lindung.intake.reader import read_table

    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        table = read_table(Path(path))
        seconds.append(time.perf_counter() - started)
    return {
        "rows": table.frame.height,
        "first_s": seconds[0],
        "best_s": min(seconds),
        "peak_rss_mb": peak_memory_mb(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--read", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        print(json.dumps(read_case(args.read, args.repeat)))
        return
    writers = {
        "csv": write_csv,
        "xlsx": write_xlsx,
        "xlsx-shared": lambda path, rows: write_xlsx(path, rows, constant_memory=False),
    }
    print(f"{'format':<6} {'rows':>9} {'file MB':>8} {'write s':>8} {'read s (first)':>15} "
          f"{'read s (best)':>14} {'rows/s (best)':>14} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.formats.split(","):
            for rows in map(int, args.sizes.split(",")):
                path = Path(folder) / f"workers-{rows}-{kind}.{kind.split('-')[0]}"
                started = time.perf_counter()
                writers[kind](path, rows)
                written = time.perf_counter() - started
                result = subprocess.run(
                    [sys.executable, __file__, "--read", str(path), "--repeat", str(args.repeat)],
                    check=True, capture_output=True, text=True,
                )
                case = json.loads(result.stdout)
                assert case["rows"] == rows, case
                print(f"{kind:<6} {rows:>9,} {path.stat().st_size / 2**20:>8.1f} {written:>8.1f} "
                      f"{case['first_s']:>15.2f} {case['best_s']:>14.2f} {rows / case['best_s']:>14,.0f} "
                      f"{case['peak_rss_mb']:>8,.0f}", flush=True)
                path.unlink()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
