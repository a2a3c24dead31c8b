"""The documents checklist as versioned data (claims/data/documents.csv)."""
from datetime import date

from lindung.claims.checklist import Document, missing_documents, read_documents, required_documents

DAY = date(2025, 6, 10)


def codes(kind, on=DAY, documents=None):
    return [d.code for d in required_documents(kind, on, documents)]


def test_what_bpjs_asks_for_each_kind():
    assert codes("death") == ["id_card", "family_card", "death_certificate", "heir_statement"]
    assert codes("work_death") == ["id_card", "family_card", "death_certificate", "accident_report", "heir_statement"]
    assert codes("work_accident") == ["id_card", "family_card", "accident_report"]


def test_every_document_has_both_languages_and_a_source():
    for document in read_documents():
        assert document.label_id and document.label_en and document.source
        assert document.label("en") == document.label_en and document.label("id") == document.label_id


def test_a_later_row_changes_the_list_from_its_date():
    shipped = read_documents()
    dropped = Document("heir_statement", frozenset(), date(2026, 1, 1), "-", "-", "new rule")
    added = Document("bank_book", frozenset({"death"}), date(2026, 1, 1), "Buku tabungan", "Bank book", "new rule")
    documents = (*shipped, dropped, added)
    assert codes("death", date(2025, 12, 31), documents) == codes("death")
    assert codes("death", date(2026, 1, 1), documents) == ["id_card", "family_card", "death_certificate", "bank_book"]


def test_before_the_first_row_nothing_is_asked():
    assert codes("death", date(2019, 1, 1)) == []


def test_missing_documents():
    assert [d.code for d in missing_documents("death", DAY, {"id_card", "family_card", "heir_statement"})] == [
        "death_certificate"]
