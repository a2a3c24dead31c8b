"""Benchmark: intake of whole files through `lindung intake` (check = dry run, import = into the registry).

Generates files of N rows (CSV and XLSX) with realistic errors and near-duplicates (the generator of
bench/intake_check.py, written with the template's Indonesian headers), then, each case in a fresh process
and a fresh database (SQLite in a temporary folder, or the PostgreSQL database `lindung_bench`), times the
check and the import of the file into an empty registry, and prints seconds, rows/s and peak memory.
The recall and precision of duplicate.possible are printed by bench/intake_check.py (pure check, with a
registry of N people).

    .venv/bin/python bench/intake.py                                   # 100 k and 1 M rows, CSV and XLSX, both databases
    .venv/bin/python bench/intake.py --sizes 100000 --formats csv --databases sqlite
    .venv/bin/python bench/intake.py --files /tmp/intake-files   # generate once, reuse in later runs
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fresh import peak_memory_mb, run_fresh  # noqa: E402



def write_files(rows: int, folder: Path) -> dict[str, Path]:
    import polars as pl
    import xlsxwriter

    from intake_check import case, region_table
    from lindung.intake.headers import canonical_header
    from lindung.intake.writer import TEMPLATE_HEADERS

    frame, _registry = case(rows, region_table())
    headers = {canonical_header(h): h for h in TEMPLATE_HEADERS["id"]}
    text = frame.select([pl.col(c).alias(headers[c]) for c in headers if c in frame.columns])
    csv_path = folder / f"daftar-{rows}.csv"
    text.write_csv(csv_path, separator=";")
    xlsx_path = folder / f"daftar-{rows}.xlsx"
    workbook = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Daftar")
    sheet.write_row(0, 0, text.columns)
    for i, row in enumerate(text.iter_rows(), start=1):
        sheet.write_row(i, 0, ["" if v is None else v for v in row])
    workbook.close()
    return {"csv": csv_path, "xlsx": xlsx_path}


def kept_files(rows: int, folder: Path) -> dict[str, Path]:
    """The files of `rows` rows in `folder`, written there by an earlier run or now."""
    files = {"csv": folder / f"daftar-{rows}.csv", "xlsx": folder / f"daftar-{rows}.xlsx"}
    if all(path.exists() for path in files.values()):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    return write_files(rows, folder)


def run_case(path: Path) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from lindung.intake.services import run_intake
    from lindung.regions.services import load_regions

    call_command("migrate", verbosity=0)
    load_regions()
    started = time.perf_counter()
    checked = run_intake(path, source="bench", dry_run=True)
    check_s = time.perf_counter() - started
    started = time.perf_counter()
    imported = run_intake(path, source="bench")
    import_s = time.perf_counter() - started
    return {"rows": checked.rows, "check_s": check_s, "import_s": import_s, "accepted": imported.accepted,
            "review": imported.review, "rejected": imported.rejected,
            "peak_rss_mb": peak_memory_mb()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--files", help="a folder for the generated files, kept and reused by later runs")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(Path(args.case))))
        return
    print(f"{'database':<10} {'format':<6} {'rows':>10} {'check s':>8} {'check rows/s':>13} {'import s':>9} "
          f"{'import rows/s':>14} {'peak MB':>8}  accepted/review/rejected", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        for rows in (int(s) for s in args.sizes.split(",")):
            files = kept_files(rows, Path(args.files)) if args.files else write_files(rows, Path(scratch))
            for database in args.databases.split(","):
                for fmt in args.formats.split(","):
                    r = run_fresh(__file__, database, str(files[fmt]))
                    print(f"{database:<10} {fmt:<6} {r['rows']:>10,} {r['check_s']:>8.1f} {r['rows'] / r['check_s']:>13,.0f} "
                          f"{r['import_s']:>9.1f} {r['rows'] / r['import_s']:>14,.0f} {r['peak_rss_mb']:>8,.0f}  "
                          f"{r['accepted']:,}/{r['review']:,}/{r['rejected']:,}", flush=True)

if __name__ == "__main__":
    main()
