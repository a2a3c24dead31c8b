"""The officer's review queue: rows held because they may be someone already registered."""
import json
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.intake.models import ImportRow
from lindung.registry.models import Person
from lindung.registry.services import create_person, update_person

PERSON_FIELDS = {
    "nik": "nik", "kk": "kk", "full_name": "full_name", "birth_place": "birth_place", "birth_date": "birth_date",
    "sex": "sex", "village_code": "village_id", "address": "address", "phone": "phone", "segment": "segment_id",
    "occupation": "occupation", "income": "income", "welfare_decile": "welfare_decile",
}


class DecisionError(ValueError):
    pass


def pending():
    return ImportRow.objects.filter(status="review", decision="").select_related("batch").order_by("batch", "row")


def row_values(row: ImportRow) -> dict:
    """The row as the file gave it (normalised), as Person fields."""
    values = json.loads(row.values or "{}")
    fields = {PERSON_FIELDS[k]: v for k, v in values.items() if k in PERSON_FIELDS and v is not None}
    if fields.get("birth_date"):
        fields["birth_date"] = date.fromisoformat(fields["birth_date"])
    return fields


def candidates(row: ImportRow) -> list[Person]:
    ids = row.candidates.get("people", []) if isinstance(row.candidates, dict) else []
    return list(Person.objects.filter(pk__in=ids).select_related("village", "village__parent", "segment"))


@transaction.atomic
def decide(row: ImportRow, decision: str, *, user, person: Person | None = None) -> None:
    """Resolve a held row. merge/update need the registered `person` it is the same as."""
    if row.decision:
        raise DecisionError(gettext("This row was already decided."))
    source = f"intake {row.batch.filename} row {row.row} (review)"
    values = row_values(row)
    if decision in (ImportRow.Decision.SAME_MERGE, ImportRow.Decision.SAME_UPDATE):
        if person is None or person.pk not in {p.pk for p in candidates(row)}:
            raise DecisionError(gettext("Choose which registered person this row is."))
        if decision == ImportRow.Decision.SAME_UPDATE:
            update_person(person, source=source, user=user, **values)
        row.person = person
    elif decision == ImportRow.Decision.DIFFERENT:
        row.person = create_person(source=source, user=user, **values)
    elif decision != ImportRow.Decision.REJECT:
        raise DecisionError(gettext("Choose one of the decisions."))
    row.decision, row.decided_by, row.decided_at = decision, user, timezone.now()
    row.save(update_fields=["decision", "decided_by", "decided_at", "person"])
    audit.record(AuditEvent.Action.UPDATE, target=row, user=user,
                 summary=f"review of {row.batch.filename} row {row.row}: {decision}"
                         + (f" (person {row.person_id})" if row.person_id else ""))
