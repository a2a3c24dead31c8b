"""Segments of informal work, as reference data with Indonesian and English labels and synonyms."""
import csv
from pathlib import Path

SEGMENTS_CSV = Path(__file__).resolve().parent / "data" / "segments.csv"


def read_segments(path: Path = SEGMENTS_CSV) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return [
            {
                "code": row["code"],
                "label_id": row["label_id"],
                "label_en": row["label_en"],
                "synonyms": [s.strip().lower() for s in row["synonyms"].split("|") if s.strip()],
                "sort": int(row["sort"]),
            }
            for row in csv.DictReader(f)
        ]


def synonym_table(segments: list[dict]) -> dict[str, str]:
    """Every way of writing a segment (code, labels, synonyms), lower-cased, to its code."""
    table = {}
    for segment in segments:
        for word in [segment["code"], segment["label_id"], segment["label_en"], *segment["synonyms"]]:
            table[" ".join(word.lower().replace("_", " ").split())] = segment["code"]
            table[word.lower()] = segment["code"]
    return table


def segment_code(text: str, table: dict[str, str]) -> str | None:
    """'Petani Padi' -> 'farmer'; None when the text names no known segment."""
    return table.get(" ".join(str(text).lower().replace("_", " ").split()))


def load_segments(apps, schema_editor=None) -> None:
    """Insert or update the shipped segments (for data migrations: `apps` is the migration state)."""
    Segment = apps.get_model("registry", "Segment")
    for row in read_segments():
        Segment.objects.update_or_create(code=row.pop("code"), defaults=row)
