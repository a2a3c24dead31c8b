"""The documents BPJS asks for, per kind of incident, as versioned data (data/documents.csv).

A row applies to incidents on or after its effective date, until a later row of the same code; a later
row with no kinds drops the document. Plain functions over plain values.
"""
import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DOCUMENTS_CSV = Path(__file__).resolve().parent / "data" / "documents.csv"


@dataclass(frozen=True)
class Document:
    code: str
    kinds: frozenset[str]
    effective_from: date
    label_id: str
    label_en: str
    source: str

    def label(self, language: str = "id") -> str:
        return self.label_en if language == "en" else self.label_id


@cache
def read_documents(path: Path = DOCUMENTS_CSV) -> tuple[Document, ...]:
    with open(path, newline="", encoding="utf-8") as f:
        return tuple(
            Document(row["code"], frozenset(k for k in row["kinds"].split("|") if k),
                     date.fromisoformat(row["effective_from"]), row["label_id"], row["label_en"], row["source"])
            for row in csv.DictReader(f)
        )


def required_documents(kind: str, on: date, documents: tuple[Document, ...] | None = None) -> list[Document]:
    """The documents an incident of `kind` on `on` needs, in the order of the data."""
    latest: dict[str, Document] = {}
    for document in documents if documents is not None else read_documents():
        if document.effective_from <= on and (
            document.code not in latest or document.effective_from >= latest[document.code].effective_from
        ):
            latest[document.code] = document
    return [d for d in latest.values() if kind in d.kinds]


def missing_documents(kind: str, on: date, received: set[str],
                      documents: tuple[Document, ...] | None = None) -> list[Document]:
    return [d for d in required_documents(kind, on, documents) if d.code not in received]
