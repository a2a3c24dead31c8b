"""Key rotation: re-encrypt every encrypted value and recompute the blind indexes, set-based, in one transaction.

A rotation (keys in var/keys) goes in this order, so that a crash at any point loses no record:
1. the next key is written to var/keys/NAME.new (atomic, 0600): from then on it is in the keyring;
2. one transaction re-encrypts every value with the next encryption key, recomputes every blind index with
   the next index key and records that key's id (KeyState); a crash rolls all of it back;
3. the current key is copied to var/keys/retired/NAME.DATE.KEYID;
4. NAME.new replaces NAME (an atomic rename).
A crash before 2 commits changes nothing that is read. A crash after 2 commits and before 4 leaves every value
readable (the .new key is in the keyring) but the indexes computed with a key that is not current yet:
running `lindung keys rotate` again finishes the rotation (it takes the .new key instead of making one), or
`lindung keys reindex` recomputes the indexes with the current key. blind_index_key_matches() tells.
"""
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import Substr

from lindung import bulk, keys
from lindung.keys import BLIND_INDEX, ENCRYPTION, KeySlot
from lindung.personal_data import (
    DecryptionError, EncryptedTextField, IndexKey, Keyring, index_key, keyring, token_key_id,
)

CHUNK = 10_000

# Each blind index with the encrypted field it is computed from and that value's purpose.
BLIND_INDEXES = {
    "registry.person": [("nik_index", "nik", "nik"), ("kk_index", "kk", "kk")],
}

Progress = Callable[[int, int], None]


class KeysFromEnvironment(Exception):
    """The key is set in the environment: lindung cannot replace it; the message says how to do it by hand."""


@dataclass
class Report:
    records: int = 0  # records read
    reencrypted: int = 0  # values encrypted again with the current key
    reindexed: int = 0  # index values that changed
    written: int = 0  # records written
    seconds: float = 0.0
    retired: list[str] = field(default_factory=list)  # files of the keys rotated out


# --- what is encrypted and indexed ------------------------------------------------------------------------

def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def encrypted_models() -> list:
    return [m for m in apps.get_models() if encrypted_fields(m) and not m._meta.proxy]


def blind_indexes(model) -> list[tuple[str, str, str]]:
    return BLIND_INDEXES.get(model._meta.label_lower, [])


def _stored(name: str) -> models.Expression:
    """The column as stored (the token), not decrypted by the field."""
    return models.ExpressionWrapper(models.F(name), output_field=models.TextField())


# --- the rewrite ------------------------------------------------------------------------------------------

@dataclass
class _Plan:
    """Which columns of one model a rewrite reads and writes."""

    model: type
    tokens: list[EncryptedTextField]  # read; written too when `reencrypt`
    indexes: list[tuple[str, str, str]]
    reencrypt: bool

    @property
    def columns(self) -> list[str]:
        """The columns written, in the order _rewritten gives them."""
        tokens = [f.name for f in self.tokens] if self.reencrypt else []
        return tokens + [name for name, _source, _purpose in self.indexes]


def _plans(*, reencrypt: bool, reindex: bool) -> list[_Plan]:
    plans = []
    for model in encrypted_models():
        indexes = blind_indexes(model) if reindex else []
        sources = {source for _name, source, _purpose in indexes}  # an index is computed from its value
        tokens = [f for f in encrypted_fields(model) if reencrypt or f.name in sources]
        if tokens:
            plans.append(_Plan(model, tokens, indexes, reencrypt))
    return plans


def _chunks(plan: _Plan):
    """(pk, *tokens, *indexes) rows in primary-key order, CHUNK at a time, soft-deleted records included."""
    manager = plan.model._base_manager
    selected = ["pk", *[_stored(f.name) for f in plan.tokens], *[name for name, _s, _p in plan.indexes]]
    last = None
    while True:
        rows = manager.order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        chunk = list(rows.values_list(*selected)[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def _rewritten(row: tuple, plan: _Plan, ring: Keyring, index: IndexKey | None, report: Report) -> tuple | None:
    """(pk, *columns) with tokens under the ring's current key and indexes under `index`; None if unchanged."""
    pk, *values = row
    tokens = dict(zip([f.name for f in plan.tokens], values))
    purposes = {f.name: f.purpose for f in plan.tokens}
    stored_indexes = values[len(plan.tokens):]
    plain = {}

    def plaintext(name: str) -> str:
        if name not in plain:
            plain[name] = ring.decrypt(tokens[name], purposes[name])
        return plain[name]

    new_tokens = dict(tokens)
    if plan.reencrypt:
        current = ring.current_id.hex()
        for name, token in tokens.items():
            if token and token_key_id(token) != current:
                new_tokens[name] = ring.encrypt(plaintext(name), purposes[name])
                report.reencrypted += 1
    new_indexes = list(stored_indexes)
    if index is not None:
        for i, (_name, source, purpose) in enumerate(plan.indexes):
            computed = index.index(plaintext(source), purpose) if tokens[source] else None
            if computed != stored_indexes[i]:
                new_indexes[i] = computed
                report.reindexed += 1
    if new_tokens == tokens and new_indexes == list(stored_indexes):
        return None
    return (pk, *(new_tokens.values() if plan.reencrypt else ()), *new_indexes)


def rewrite(ring: Keyring, *, reencrypt: bool, index: IndexKey | None, progress: Progress | None = None) -> Report:
    """Re-encrypt what is not under `ring`'s current key (if `reencrypt`) and recompute the blind indexes with
    `index` (if given), for every record of every model with encrypted fields, in one transaction."""
    started = time.perf_counter()
    report = Report()
    plans = _plans(reencrypt=reencrypt, reindex=index is not None)
    total = sum(plan.model._base_manager.count() for plan in plans)
    with transaction.atomic():
        for plan in plans:
            for chunk in _chunks(plan):
                rows = [r for r in (_rewritten(row, plan, ring, index, report) for row in chunk) if r]
                if rows:
                    report.written += bulk.update_rows(plan.model, plan.model._meta.pk.name, plan.columns, rows)
                report.records += len(chunk)
                if progress:
                    progress(report.records, total)
        if index is not None:
            record_blind_index_key(index.id)
    report.seconds = time.perf_counter() - started
    return report


# --- the commands' operations -----------------------------------------------------------------------------

def rotate(*, encryption: bool = True, blind_index: bool = True, progress: Progress | None = None) -> Report:
    """New keys in var/keys, every value re-encrypted and every index recomputed with them (see the module)."""
    slots = [slot for slot, wanted in ((ENCRYPTION, encryption), (BLIND_INDEX, blind_index)) if wanted]
    refuse_keys_from_environment(slots)
    with keys.rotation_lock():
        next_keys = {slot: keys.pending_or_new(slot) for slot in slots}
        reload_keys()  # the next encryption key joins this process's keyring
        ring = Keyring(",".join([next_keys.get(ENCRYPTION, ""), settings.PII_ENCRYPTION_KEY]))
        index = IndexKey(next_keys[BLIND_INDEX]) if blind_index else None
        report = rewrite(ring, reencrypt=encryption, index=index, progress=progress)
        report.retired = [str(keys.retire_current(slot)) for slot in slots]
        for slot in slots:
            keys.promote_pending(slot)
        reload_keys()
    return report


def reencrypt(progress: Progress | None = None) -> Report:
    """Every value not under the current encryption key encrypted again with it (e.g. after an env rotation)."""
    return rewrite(keyring(settings.PII_ENCRYPTION_KEY), reencrypt=True, index=None, progress=progress)


def reindex(progress: Progress | None = None) -> Report:
    """Every blind index recomputed with the current index key."""
    ring = keyring(settings.PII_ENCRYPTION_KEY)
    return rewrite(ring, reencrypt=False, index=index_key(settings.PII_BLIND_INDEX_KEY), progress=progress)


def reload_keys() -> None:
    """Read the keys again from the environment and var/keys, so the rest of this process uses the new ones.

    Other processes (web server, job worker) keep the keys they started with until they are restarted.
    """
    settings.PII_ENCRYPTION_KEY = keys.encryption_keyring()
    settings.PII_BLIND_INDEX_KEY = keys.blind_index_key()


def refuse_keys_from_environment(slots: list[KeySlot]) -> None:
    messages = [_manual_procedure(slot) for slot in slots if keys.from_environment(slot)]
    if messages:
        raise KeysFromEnvironment("\n\n".join(messages))


def _manual_procedure(slot: KeySlot) -> str:
    said = (
        f"{slot.label}: diatur lewat {slot.env}, jadi lindung tidak dapat menggantinya sendiri / "
        f"set in {slot.env}, so lindung cannot rotate it itself.\n"
        "Ganti secara manual / rotate it by hand:\n"
        "  1. lindung keys generate    (membuat kunci baru / prints a new key)\n"
    )
    if slot == ENCRYPTION:
        return said + (
            f"  2. {slot.env}=<baru/new>,<lama/old>    (kunci baru di depan, kunci lama tetap setelah koma / "
            "the new key first, keep the old one after a comma)\n"
            "  3. mulai ulang lindung / restart lindung\n"
            "  4. lindung keys reencrypt"
        )
    return said + (
        "  2. hentikan lindung / stop lindung\n"
        f"  3. {slot.env}=<baru/new>\n"
        "  4. lindung keys reindex\n"
        "  5. jalankan lindung lagi / start lindung again"
    )


# --- the state of the keys --------------------------------------------------------------------------------

def _key_state_model():
    return apps.get_model("accounts", "KeyState")


def record_blind_index_key(key_id: str) -> None:
    _key_state_model().objects.update_or_create(pk=1, defaults={"blind_index_key_id": key_id})


def recorded_blind_index_key_id() -> str | None:
    KeyState = _key_state_model()
    if KeyState._meta.db_table not in connection.introspection.table_names():
        return None  # before `lindung migrate`
    return KeyState.objects.filter(pk=1).values_list("blind_index_key_id", flat=True).first()


def blind_index_key_matches() -> bool:
    """Whether the stored blind indexes were computed with the configured index key (else no one is found).

    The database records the key id with every rotation or reindex; a database that never had one (no rotation
    yet) is checked on one active person.
    """
    current = index_key(settings.PII_BLIND_INDEX_KEY).id
    recorded = recorded_blind_index_key_id()
    if recorded is not None:
        return recorded == current
    return _sample_matches()


def _sample_matches() -> bool:
    for model in encrypted_models():
        for name, source, purpose in blind_indexes(model):
            if model._meta.db_table not in connection.introspection.table_names():
                return True
            row = (
                model._base_manager.exclude(**{f"{source}__isnull": True}).order_by("pk")
                .values_list(_stored(source), name).first()
            )
            if row is None:
                continue
            try:
                value = keyring(settings.PII_ENCRYPTION_KEY).decrypt(row[0], purpose)
            except DecryptionError:
                return False
            return index_key(settings.PII_BLIND_INDEX_KEY).index(value, purpose) == row[1]
    return True


def values_per_key(model, name: str) -> Counter:
    """How many values of a field each key id encrypted: grouped on the token's first 8 characters."""
    prefixes = (
        model._base_manager.exclude(**{f"{name}__isnull": True}).order_by()
        .annotate(prefix=Substr(name, 1, 8, output_field=models.TextField()))
        .values("prefix").annotate(n=models.Count("pk")).values_list("prefix", "n")
    )
    counts = Counter()
    for prefix, n in prefixes:
        counts[token_key_id(prefix)] += n
    return counts


@dataclass
class Status:
    encryption_source: str
    encryption_keys: list[tuple[str, str]]  # (key id, "current" / "next" / "retired DATE" / "previous")
    index_source: str
    index_key_id: str
    index_next_key_id: str | None
    recorded_index_key_id: str | None
    indexes_match: bool
    values: dict[str, Counter]  # "registry.person.nik" -> key id -> count

    @property
    def unknown_key_ids(self) -> set[str]:
        known = {kid for kid, _role in self.encryption_keys}
        return {kid for counts in self.values.values() for kid in counts} - known


def status() -> Status:
    ring = keyring(settings.PII_ENCRYPTION_KEY)
    roles = {ring.current_id.hex(): "current"}
    pending = keys.read_pending(ENCRYPTION)
    if pending:
        roles.setdefault(keys.key_id_of(pending), "next")
    for path in keys.retired_files(ENCRYPTION):
        roles.setdefault(path.name.rsplit(".", 1)[-1], f"retired {path.name.split('.')[1]}")
    for kid in ring.ids:
        roles.setdefault(kid, "previous")
    pending_index = keys.read_pending(BLIND_INDEX)
    return Status(
        encryption_source=_source(ENCRYPTION),
        encryption_keys=[(kid, role) for kid, role in roles.items() if kid in ring.ids],
        index_source=_source(BLIND_INDEX),
        index_key_id=index_key(settings.PII_BLIND_INDEX_KEY).id,
        index_next_key_id=keys.key_id_of(pending_index) if pending_index else None,
        recorded_index_key_id=recorded_blind_index_key_id(),
        indexes_match=blind_index_key_matches(),
        values={
            f"{model._meta.label_lower}.{f.name}": values_per_key(model, f.name)
            for model in encrypted_models() for f in encrypted_fields(model)
        },
    )


def _source(slot: KeySlot) -> str:
    return f"environment {slot.env}" if keys.from_environment(slot) else str(keys.current_file(slot))
