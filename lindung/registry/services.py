"""Operations on the person registry, each in a transaction, each change recorded."""
from dataclasses import dataclass

import polars as pl
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from lindung import bulk
from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.personal_data import blind_index, mask_nik, mask_phone, sealed_ahead
from lindung.regions.models import Level, Region
from lindung.regions.services import villages_of
from lindung.registry.models import Person, PersonChange

REGISTER_COLUMNS = [
    "nik", "kk", "full_name", "birth_place", "birth_date", "sex", "village_code", "address", "phone",
    "segment", "occupation", "income", "welfare_decile",
]
ENCRYPTED = {"nik": mask_nik, "kk": mask_nik, "phone": mask_phone}
INSERT_SLICE = 100_000
INSERT_SLICE_MIN = 10_000


class DuplicateNik(ValueError):
    code = "duplicate.registry"


def nik_index(nik: str) -> str:
    return blind_index(nik, "nik")


def kk_index(kk: str) -> str:
    return blind_index(kk, "kk")


def find_by_nik(nik: str) -> Person | None:
    return Person.objects.active().filter(nik_index=nik_index(nik)).first()


def search_people(queryset, *, text: str = "", village: str = "", segment: str = ""):
    """Registry search: a 16-digit NIK is matched exactly through its blind index, other text by name."""
    text = " ".join(text.split())
    digits = text.replace(" ", "").replace(".", "").replace("-", "")
    if len(digits) == 16 and digits.isdigit():
        queryset = queryset.filter(Q(nik_index=nik_index(digits)) | Q(kk_index=kk_index(digits)))
    elif text:
        queryset = queryset.filter(full_name__icontains=text)
    if len(village) == len("32.16.04"):
        queryset = queryset.filter(village__parent_id=village)
    elif village:
        queryset = queryset.filter(village_id=village)
    if segment:
        queryset = queryset.filter(segment_id=segment)
    return queryset


@transaction.atomic
def create_person(*, source: str, user=None, **fields) -> Person:
    if find_by_nik(fields["nik"]):
        raise DuplicateNik(mask_nik(fields["nik"]))
    person = Person(source=source, **fields)
    person.nik_index = nik_index(person.nik)
    person.kk_index = kk_index(person.kk) if person.kk else None
    person.save()
    audit.record(AuditEvent.Action.CREATE, target=person, user=user, summary=f"{person.full_name} ({source})")
    return person


def _shown(field: str, value):
    if field in ENCRYPTED:
        return ENCRYPTED[field](value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@transaction.atomic
def update_person(person: Person, *, source: str, user=None, **fields) -> PersonChange | None:
    """Apply changed fields; record each old and new value (personal identifiers masked)."""
    changes = {}
    for field, new in fields.items():
        old = getattr(person, field)
        if old != new:
            changes[field] = [_shown(field, old), _shown(field, new)]
            setattr(person, field, new)
    if not changes:
        return None
    if "nik" in changes:
        if Person.objects.active().filter(nik_index=nik_index(person.nik)).exclude(pk=person.pk).exists():
            raise DuplicateNik(mask_nik(person.nik))
        person.nik_index = nik_index(person.nik)
    if "kk" in changes:
        person.kk_index = kk_index(person.kk) if person.kk else None
    person.updated_at = timezone.now()
    person.save()
    audit.record(
        AuditEvent.Action.UPDATE, target=person, user=user, summary=f"{person.full_name} ({source})",
        before={field: old for field, (old, _new) in changes.items()},
        after={field: new for field, (_old, new) in changes.items()},
    )
    return PersonChange.objects.create(
        person=person, user=user, action=PersonChange.Action.UPDATED, source=source, changes=changes
    )


@transaction.atomic
def delete_person(person: Person, *, source: str, user=None) -> PersonChange:
    """Soft delete: the record stays, with its history, and its NIK may be registered again."""
    person.deleted_at = timezone.now()
    person.save(update_fields=["deleted_at"])
    audit.record(AuditEvent.Action.DELETE, target=person, user=user, summary=f"{person.full_name} ({source})")
    return PersonChange.objects.create(person=person, user=user, action=PersonChange.Action.DELETED, source=source)


@transaction.atomic
def restore_person(person: Person, *, source: str, user=None) -> PersonChange:
    if find_by_nik(person.nik):
        raise DuplicateNik(mask_nik(person.nik))
    person.deleted_at = None
    person.save(update_fields=["deleted_at"])
    audit.record(AuditEvent.Action.RESTORE, target=person, user=user, summary=f"{person.full_name} ({source})")
    return PersonChange.objects.create(person=person, user=user, action=PersonChange.Action.RESTORED, source=source)


def insert_register(frame: pl.DataFrame, *, source: str) -> int:
    """Insert many new people at once (REGISTER_COLUMNS, and nik_index if already computed), through the
    driver. Returns people inserted.

    Fails as a whole, writing nothing, if any NIK is already registered.
    """
    return insert_people(frame, source=source).len()


@transaction.atomic
def insert_people(frame: pl.DataFrame, *, source: str, intake_batch: int | None = None) -> pl.Series:
    """insert_register(), returning the new people's ids in the order of `frame` (no read back).

    With `intake_batch` (an ImportBatch's id), `frame` also has "_row", the spreadsheet row of each person, and
    both are kept on the person.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = [*REGISTER_COLUMNS, "nik_index"] if "nik_index" in frame.columns else REGISTER_COLUMNS
    provenance = [pl.lit(intake_batch).alias("intake_batch"), pl.col("_row").alias("intake_row")] if intake_batch else []
    columns = [*columns, "_row"] if intake_batch else columns
    ids = bulk.reserve_ids(Person, frame.height)
    inserted = 0
    # In slices, so that a million people never sit in memory as plain, sealed and driver rows at once; a
    # second process seals the next slice while this one is written.
    size = max(INSERT_SLICE_MIN, min(INSERT_SLICE, -(-frame.height // 4)))  # a few slices, to overlap
    parts = list(frame.select(columns).with_columns(ids).iter_slices(size))
    indexed = ["kk"] if "nik_index" in columns else ["nik", "kk"]
    plain = ({name: part.get_column(name).to_list() for name in ("nik", "kk", "phone")} for part in parts)
    with bulk.indexes_built_after(Person, frame.height):
        for part, sealed in zip(parts, sealed_ahead(plain, ["nik", "kk", "phone"], indexed), strict=True):
            protected = part.with_columns(pl.Series(name, values, dtype=pl.String) for name, values in sealed.items())
            rows = protected.select(
                "id", "nik", "nik_index", "kk", "kk_index", "full_name", pl.col("birth_place").fill_null(""),
                pl.col("birth_date").cast(pl.Date).dt.strftime("%Y-%m-%d"), "sex",
                pl.col("village_code").alias("village"), pl.col("address").fill_null(""), "phone", "segment",
                pl.col("occupation").fill_null(""),
                "income", "welfare_decile",
                pl.lit(source).alias("source"), pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at"),
                *provenance,
            )
            inserted += bulk.insert_rows(Person, rows.columns, rows.iter_rows())
    audit.record(AuditEvent.Action.CREATE, summary=f"{inserted:,} people inserted in bulk ({source})")
    return ids


DEMO_SOURCE_PREFIX = "demo:"
# Where people who moved to the regency got their NIK: its neighbours and the regions that send migrants
# (Jakarta, Karawang, Bogor, Kota Bekasi; Indramayu, Cirebon, Brebes, Tegal).
DEMO_MIGRANT_REGENCIES = ("31.75", "31.72", "32.75", "32.15", "32.01", "32.12", "32.09", "33.29", "33.28")


@dataclass(frozen=True)
class DemoReport:
    source: str
    inserted: int = 0
    existing: int = 0
    skipped: bool = False


def load_demo_register(*, workers: int, seed: int, today, replace: bool = False) -> DemoReport:
    """Generate the synthetic register and insert it through the bulk path; once per database unless replaced."""
    from lindung.registry.demo import generate_register

    source = f"{DEMO_SOURCE_PREFIX}seed={seed}"
    # Never people an import registered, whatever its source says: their rows are that import's outcomes.
    demo_people = Person.objects.filter(source__startswith=DEMO_SOURCE_PREFIX, intake_batch__isnull=True)
    existing = demo_people.count()
    if existing and not replace:
        return DemoReport(source=demo_people.values_list("source", flat=True).first(), existing=existing, skipped=True)
    villages = list(villages_of().values_list("code", "name"))
    if not villages:
        raise LookupError(f"no villages loaded for regency {settings.LINDUNG_REGENCY}: run `lindung regions load`")
    other_districts = list(
        Region.objects.filter(level=Level.DISTRICT, parent_id__in=DEMO_MIGRANT_REGENCIES).values_list("code", flat=True)
    )
    frame = generate_register(
        workers=workers, seed=seed, villages=villages, other_districts=other_districts, today=today
    )
    with transaction.atomic():
        if replace:
            # Synthetic people only: real records are never hard-deleted.
            PersonChange.objects.filter(person__in=demo_people).delete()
            demo_people.delete()
        inserted = insert_register(frame, source=source)
    return DemoReport(source=source, inserted=inserted)
