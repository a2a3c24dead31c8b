"""Benchmark: checking a whole intake file (lindung.intake.validate.check), pure, no database.

Makes a realistic file of N rows and a registry of N people from the demo generator, as text the way
villages send it (dates as 17/08/1985 or 1985-08-17 or "17 Agustus 1985", villages by name, "Desa ...",
code or "name, district", phones as 08.., +62 8.., incomes as 1.500.000 or "1,5 jt", Excel-mangled
NIKs, ...) with about 3 % bad rows, and with planted near-duplicates: 1 % of the rows repeat an earlier
row of the file and 1 % a registered person, under another NIK, with the name written differently (a
spelling variant, a title added, a typing error, or case and punctuation). Another 10 % are registered
people sent again with their own NIK.

Each size runs in a fresh process, which prints seconds, rows/s, peak memory, and the recall and
precision of duplicate.possible: a flagged pair is right when both sides are the same generated person.

    .venv/bin/python bench/intake_check.py                    # 100 k and 1 M rows
    .venv/bin/python bench/intake_check.py --sizes 100000 --cache /tmp/intake-bench
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from fresh import peak_memory_mb  # noqa: E402

TODAY = date(2026, 11, 25)
WILAYAH = ROOT / "lindung" / "regions" / "data" / "wilayah.csv"
MIGRANT_REGENCIES = ("31.75", "31.72", "32.75", "32.15", "32.01", "32.12", "32.09", "33.29", "33.28")
RESUBMITTED, NEAR_IN_FILE, NEAR_REGISTRY = 0.10, 0.01, 0.01


# --- reference data, as the caller would give it -----------------------------------------------------

def region_table() -> pl.DataFrame:
    from lindung.regions.names import name_key_expr

    return pl.read_csv(WILAYAH, schema={"code": pl.String, "name": pl.String}).with_columns(
        name_key_expr("name").alias("name_key"), pl.col("code").str.count_matches(r"\.").alias("dots")
    )


def villages_of_country(table: pl.DataFrame) -> pl.DataFrame:
    villages = table.filter(pl.col("dots") == 3).with_columns(pl.col("code").str.slice(0, 8).alias("district_code"))
    districts = table.filter(pl.col("dots") == 2).select(
        pl.col("code").alias("district_code"), pl.col("name_key").alias("district_name_key")
    )
    return villages.join(districts, on="district_code").select("code", "name_key", "district_code", "district_name_key")


def context(table: pl.DataFrame, registry: pl.DataFrame):
    from lindung.intake.validate import Context
    from lindung.registry.segments import read_segments, synonym_table

    return Context(
        regency="32.16",
        known_districts=frozenset(table.filter(pl.col("dots") == 2)["code"].to_list()),
        villages=villages_of_country(table),
        segment_synonyms=synonym_table(read_segments()),
        today=TODAY,
        registry=registry,
    )


# --- the people ---------------------------------------------------------------------------------------

def people(count: int, table: pl.DataFrame) -> pl.DataFrame:
    from lindung.registry.demo import generate_register

    bekasi = table.filter((pl.col("dots") == 3) & pl.col("code").str.starts_with("32.16."))
    others = table.filter((pl.col("dots") == 2) & pl.col("code").str.slice(0, 5).is_in(MIGRANT_REGENCIES))
    return generate_register(
        workers=count, seed=7, villages=bekasi.select("code", "name").rows(), other_districts=others["code"].to_list(),
        today=TODAY,
    ).with_row_index("identity")


NAME_VARIANTS = {
    "Muhammad": ["Muhamad", "Mohammad", "Mochammad", "Moch.", "M.", "Muh."],
    "Ahmad": ["Achmad", "Akhmad"], "Siti": ["Sity", "Sitti", "St."], "Nur": ["Noer", "Nurul"],
    "Abdul": ["Abd.", "Abdoel"], "Rizky": ["Rizki", "Rizqi"], "Rizki": ["Rizky"],
    "Yusuf": ["Yusup"], "Fatimah": ["Patimah"], "Saepudin": ["Syaifudin", "Saefudin"], "Zainal": ["Zaenal"],
}
TITLES_BEFORE = ["H. ", "Hj. ", "Drs. ", "Ir. ", "Bpk. ", "Ibu ", "Ust. ", "K.H. "]
TITLES_AFTER = [", S.Pd.", ", S.E.", " S.Ag", ", A.Md.", ", S.Pd.I"]


def varied_name(name: str, rng: random.Random) -> str:
    """The same name as someone else would write it."""
    kind = rng.choice(["spelling", "title", "typo", "case"])
    words = name.split()
    if kind == "spelling":
        choices = [i for i, w in enumerate(words) if w in NAME_VARIANTS or w[-1] in "iy" or len(w) > 3]
        if choices:
            i = rng.choice(choices)
            w = words[i]
            if w in NAME_VARIANTS:
                words[i] = rng.choice(NAME_VARIANTS[w])
            elif w[-1] in "iy":
                words[i] = w[:-1] + ("y" if w[-1] == "i" else "i")
            else:
                j = rng.randrange(1, len(w))
                words[i] = w[:j] + w[j - 1] + w[j:]  # a doubled letter: Saepudin, Saepuddin
            return " ".join(words)
    if kind == "title":
        return rng.choice(TITLES_BEFORE) + name if rng.random() < 0.6 else name + rng.choice(TITLES_AFTER)
    if kind == "typo":
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) >= 3:
            j = rng.randrange(1, len(w))
            op = rng.choice(["swap", "drop", "replace"])
            if op == "swap" and j < len(w) - 1:
                w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
            elif op == "drop":
                w = w[:j] + w[j + 1:]
            else:
                w = w[:j] + rng.choice("aeiounrst") + w[j + 1:]
            words[i] = w
            return " ".join(words)
    return rng.choice([name.upper(), name.lower(), "  ".join(words), name.replace(" ", ". ", 1)])


def another_nik(nik: str, rng: random.Random) -> str:
    return nik[:12] + f"{(int(nik[12:]) + rng.randint(100, 5000)) % 9999 + 1:04d}"


def case(rows: int, table: pl.DataFrame, seed: int = 1) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(file as text, registry) for `rows`; the file keeps each row's generated identity in "_identity"."""
    rng = random.Random(seed)
    resubmitted, near_file, near_registry = (int(rows * share) for share in (RESUBMITTED, NEAR_IN_FILE, NEAR_REGISTRY))
    new = rows - resubmitted - near_file - near_registry
    everyone = people(rows + new, table)
    registry_people, newcomers = everyone.slice(0, rows), everyone.slice(rows, new)
    registry = registry_people.select(
        pl.col("identity").cast(pl.Int64).alias("person_id"), "nik", "full_name", "birth_date", "village_code"
    )

    def near(source: pl.DataFrame) -> pl.DataFrame:
        return source.with_columns(
            pl.Series("nik", [another_nik(n, rng) for n in source["nik"]]),
            pl.Series("full_name", [varied_name(n, rng) for n in source["full_name"]]),
        )

    file_people = pl.concat([
        newcomers,
        registry_people.sample(resubmitted, seed=seed),
        near(newcomers.sample(near_file, seed=seed + 1)),
        near(registry_people.sample(near_registry, seed=seed + 2)),
    ]).sample(fraction=1.0, shuffle=True, seed=seed + 3)
    return as_written(file_people, table, np.random.default_rng(seed)), registry


MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]


def as_written(frame: pl.DataFrame, table: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """The people as text cells the way village spreadsheets hold them, with some errors."""
    n = frame.height
    villages = villages_of_country(table).filter(pl.col("code").str.starts_with("32.16."))
    names = table.filter(pl.col("dots") == 3).select(pl.col("code").alias("village_code"), pl.col("name").alias("village_name"))
    frame = frame.join(names, on="village_code", how="left", maintain_order="left").join(
        villages.select(pl.col("code").alias("village_code"), pl.col("district_name_key").str.to_titlecase().alias("district_name")),
        on="village_code", how="left", maintain_order="left",
    )
    u = {k: pl.Series(rng.random(n)) for k in ("nik", "date", "sex", "village", "district", "segment", "income", "phone", "error", "kk")}
    bad = u["error"]  # one draw decides which rows get which error, so that about 3 % of rows are bad
    nik = pl.col("nik")
    birth_date = pl.col("birth_date")
    from lindung.registry.segments import read_segments

    labels = {s["code"]: s["label_id"] for s in read_segments()}
    frame = frame.with_columns(
        pl.when(pl.lit(bad) < 0.004).then(nik.str.slice(0, 1) + "." + nik.str.slice(1, 5) + "E+15")
        .when(pl.lit(bad) < 0.006).then(nik.str.slice(0, 15))
        .when(pl.lit(u["nik"]) < 0.05).then("'" + nik)
        .when(pl.lit(u["nik"]) < 0.08).then(nik.str.slice(0, 4) + " " + nik.str.slice(4, 6) + " " + nik.str.slice(10))
        .when(pl.lit(u["nik"]) < 0.13).then(nik + ".0")
        .otherwise(nik).alias("nik"),
        pl.when(pl.lit(bad).is_between(0.006, 0.009)).then(pl.lit("31/02/1990"))
        .when(pl.lit(u["date"]) < 0.80).then(birth_date.dt.strftime("%d/%m/%Y"))
        .when(pl.lit(u["date"]) < 0.95).then(birth_date.dt.strftime("%Y-%m-%d"))
        .otherwise(
            birth_date.dt.day().cast(pl.String) + " "
            + birth_date.dt.month().replace_strict(range(1, 13), MONTHS, return_dtype=pl.String) + " "
            + birth_date.dt.year().cast(pl.String)
        ).alias("birth_date"),
        pl.when(pl.lit(u["sex"]) < 0.6).then(pl.col("sex"))
        .when(pl.lit(u["sex"]) < 0.9).then(pl.col("sex").replace_strict({"L": "Laki-laki", "P": "Perempuan"}))
        .otherwise(pl.lit("")).alias("sex"),
        pl.when(pl.lit(bad).is_between(0.009, 0.012)).then(pl.lit("Kampung Antah Berantah"))
        .when(pl.lit(u["village"]) < 0.70).then(pl.col("village_name"))
        .when(pl.lit(u["village"]) < 0.80).then("Desa " + pl.col("village_name"))
        .when(pl.lit(u["village"]) < 0.90).then(pl.col("village_code"))
        .otherwise(pl.col("village_name") + ", " + pl.col("district_name")).alias("village"),
        pl.when(pl.lit(u["district"]) < 0.6).then(pl.col("district_name")).alias("district"),
        pl.when(pl.lit(bad).is_between(0.012, 0.015)).then(pl.lit("Astronot"))
        .when(pl.lit(u["segment"]) < 0.5).then(pl.col("segment").replace_strict(labels))
        .alias("segment"),
        pl.when(pl.lit(bad).is_between(0.015, 0.018)).then(pl.lit("sekitar sejuta"))
        .when(pl.lit(u["income"]) < 0.5).then(pl.col("income").cast(pl.String))
        .when(pl.lit(u["income"]) < 0.8).then(_thousands(pl.col("income")))
        .when(pl.lit(u["income"]) < 0.95).then("Rp " + _thousands(pl.col("income")))
        .otherwise(pl.col("income").cast(pl.String) + ".0").alias("income"),
        pl.when(pl.lit(bad).is_between(0.018, 0.021) & pl.col("phone").is_not_null()).then(pl.lit("021-8901234"))
        .when(pl.lit(u["phone"]) < 0.70).then(pl.col("phone"))
        .when(pl.lit(u["phone"]) < 0.85).then("+62 " + pl.col("phone").str.slice(1, 3) + "-" + pl.col("phone").str.slice(4))
        .when(pl.lit(u["phone"]) < 0.95).then("62" + pl.col("phone").str.slice(1))
        .otherwise(pl.col("phone").str.slice(1) + ".0").alias("phone"),
        pl.when(pl.lit(bad).is_between(0.021, 0.024)).then(pl.lit("11"))
        .otherwise(pl.col("welfare_decile").cast(pl.String)).alias("welfare_decile"),
        pl.when(pl.lit(bad).is_between(0.024, 0.027) & pl.col("kk").is_not_null()).then(pl.col("kk").str.slice(0, 14))
        .when(pl.lit(u["kk"]) < 0.1).then("'" + pl.col("kk"))
        .otherwise(pl.col("kk")).alias("kk"),
        pl.when(pl.lit(bad).is_between(0.027, 0.030)).then(pl.lit("")).otherwise(pl.col("full_name")).alias("full_name"),
    )
    return frame.with_row_index("_row", offset=2).select(
        pl.col("_row").cast(pl.Int64), "nik", "full_name", "birth_place", "birth_date", "sex", "village", "district",
        "segment", "occupation", "income", "phone", "welfare_decile", "kk", "address",
        pl.col("identity").alias("_identity"),
    )


def _thousands(amount: pl.Expr) -> pl.Expr:
    """1500000 -> "1.500.000"."""
    return amount.cast(pl.String).str.reverse().str.replace_all(r"(\d{3})", "$1.").str.reverse().str.strip_chars_start(".")


# --- measuring ------------------------------------------------------------------------------------------

def duplicate_quality(frame: pl.DataFrame, registry: pl.DataFrame, rows: pl.DataFrame) -> dict:
    """Recall of the planted near-duplicates and precision of every flagged pair, by generated identity.

    Planted: two rows of the file of one identity under different NIKs (or one without a valid NIK), and
    a row of a registered identity under another NIK than the registered one (a NIK Excel destroyed counts
    as another). Only rows with what the rule needs (name, birth date, village) count: for the others it
    cannot act, and they are rejected anyway.
    """
    checked = rows.join(frame.select("_row", "_identity"), on="_row").filter(
        pl.col("full_name").is_not_null() & pl.col("birth_date").is_not_null() & pl.col("village_code").is_not_null()
        & pl.col("duplicate_of_row").is_null()
    )
    identity = checked.select("_row", "_identity")
    flagged_rows = checked.select("_row", pl.col("possible_duplicate_rows").alias("other")).explode("other").drop_nulls()
    flagged_people = checked.select("_row", pl.col("possible_duplicate_people").alias("other")).explode("other").drop_nulls()
    by_row = flagged_rows.join(identity, on="_row").join(
        identity.rename({"_row": "other", "_identity": "_other_identity"}), on="other", how="left"
    )
    by_person = flagged_people.join(identity, on="_row").with_columns(pl.col("other").cast(pl.UInt32).alias("_other_identity"))
    flagged = pl.concat([
        by_row.select("_row", "other", "_identity", "_other_identity", pl.lit("row").alias("kind")),
        by_person.select("_row", "other", "_identity", "_other_identity", pl.lit("person").alias("kind")),
    ])
    right = flagged.filter(pl.col("_identity") == pl.col("_other_identity"))
    # Pairs of rows of one identity: the later row should point at the earlier one.
    rows_of = checked.select("_row", "_identity", "nik")
    pairs = rows_of.join(rows_of, on="_identity", suffix="_other").filter(
        (pl.col("_row_other") < pl.col("_row")) & pl.col("nik").ne_missing(pl.col("nik_other"))
    ).select("_row", pl.col("_row_other").alias("other").cast(pl.Int64), pl.lit("row").alias("kind"))
    registered = registry.select(pl.col("person_id").cast(pl.UInt32).alias("_identity"), pl.col("nik").alias("registered_nik"))
    people = checked.join(registered, on="_identity").filter(pl.col("nik").ne_missing(pl.col("registered_nik"))).select(
        "_row", pl.col("_identity").cast(pl.Int64).alias("other"), pl.lit("person").alias("kind")
    )
    planted = pl.concat([pairs, people])
    found = planted.join(flagged.select("_row", pl.col("other").cast(pl.Int64), "kind"), on=["_row", "other", "kind"], how="semi")
    return {
        "planted": planted.height, "flagged": flagged.height, "right": right.height,
        "recall": found.height / planted.height if planted.height else 1.0,
        "precision": right.height / flagged.height if flagged.height else 1.0,
    }


def run_case(rows: int, cache: Path) -> dict:
    from lindung.intake.validate import check

    frame = pl.read_parquet(cache / f"file-{rows}.parquet")
    registry = pl.read_parquet(cache / f"registry-{rows}.parquet")
    table = region_table()
    ctx = context(table, registry)
    text = frame.drop("_identity")
    before = peak_memory_mb()
    started = time.perf_counter()
    checked = check(text, ctx)
    seconds = time.perf_counter() - started
    peak = peak_memory_mb()
    quality = duplicate_quality(frame, registry, checked.rows)
    codes = checked.issues.group_by("code").len().sort("len", descending=True).rows()
    return {"rows": rows, "seconds": seconds, "peak_rss_mb": peak, "rss_before_mb": before, "issues": checked.issues.height,
            "rejected_rows": checked.issues.filter(pl.col("severity") == "error")["_row"].n_unique(), "codes": codes, **quality}


def ensure_case(rows: int, cache: Path) -> None:
    if (cache / f"file-{rows}.parquet").exists():
        return
    started = time.perf_counter()
    frame, registry = case(rows, region_table())
    frame.write_parquet(cache / f"file-{rows}.parquet")
    registry.write_parquet(cache / f"registry-{rows}.parquet")
    print(f"generated {rows:,} rows and a registry of {registry.height:,} in {time.perf_counter() - started:.0f} s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--cache", help="folder to keep the generated files in between runs")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per size; the best time is shown")
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(args.cache or scratch)
        cache.mkdir(parents=True, exist_ok=True)
        if args.case:
            print(json.dumps(run_case(args.case, cache)))
            return
        print(f"{'rows':>10} {'check s':>8} {'rows/s':>10} {'peak MB':>8} {'inputs MB':>9} {'recall':>7} {'precision':>9} "
              f"{'planted':>8} {'flagged':>8}")
        for rows in (int(s) for s in args.sizes.split(",")):
            ensure_case(rows, cache)
            results = []
            for _ in range(args.runs):
                out = subprocess.run([sys.executable, __file__, "--case", str(rows), "--cache", str(cache)],
                                     check=True, capture_output=True, text=True, env=os.environ).stdout
                results.append(json.loads(out.strip().splitlines()[-1]))
            r = min(results, key=lambda r: r["seconds"])
            print(f"{rows:>10,} {r['seconds']:>8.2f} {rows / r['seconds']:>10,.0f} {r['peak_rss_mb']:>8,.0f} "
                  f"{r['rss_before_mb']:>9,.0f} {r['recall']:>7.3f} {r['precision']:>9.3f} {r['planted']:>8,} {r['flagged']:>8,}",
                  flush=True)
            times = ", ".join(f"{x['seconds']:.2f}" for x in results)
            print(f"{'':>10} times: {times} s; rejected rows: "
                  f"{r['rejected_rows']:,}; issues: {', '.join(f'{c} {n:,}' for c, n in r['codes'])}", flush=True)


if __name__ == "__main__":
    main()
