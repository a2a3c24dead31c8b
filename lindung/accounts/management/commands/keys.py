import sys

from django.core.management.base import BaseCommand, CommandError

from lindung import keyring
from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.keys import RotationRunning, generate_key
from lindung.personal_data import DecryptionError


class Command(BaseCommand):
    help = (
        "Personal-data keys: `rotate` to new keys (re-encrypting every value), `reencrypt`, `reindex`, "
        "`status`, `generate`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser(
            "rotate", help="new keys in var/keys, every value re-encrypted and every index recomputed with them"
        )
        rotate.add_argument("--encryption", action="store_true", help="rotate the encryption key")
        rotate.add_argument("--blind-index", action="store_true", help="rotate the blind-index key")
        sub.add_parser("reencrypt", help="encrypt again every value that is not under the current key")
        sub.add_parser("reindex", help="recompute every blind index with the current index key")
        sub.add_parser("status", help="keys in use, values per key, whether the indexes match; exits 1 if not")
        sub.add_parser("generate", help="print a new key (for keys set in the environment)")

    def handle(self, *args, action, **options):
        if action == "generate":
            self.stdout.write(generate_key())
            return
        if action == "status":
            return self.status()
        try:
            if action == "rotate":
                both = not options["encryption"] and not options["blind_index"]
                report = keyring.rotate(
                    encryption=both or options["encryption"],
                    blind_index=both or options["blind_index"],
                    progress=self.progress,
                )
            elif action == "reencrypt":
                report = keyring.reencrypt(progress=self.progress)
            else:
                report = keyring.reindex(progress=self.progress)
        except (keyring.KeysFromEnvironment, RotationRunning) as e:
            raise CommandError(str(e)) from None
        except DecryptionError as e:
            raise CommandError(f"{e}. Tidak ada yang diubah / nothing was changed.") from None
        audit.record(AuditEvent.Action.KEYS, summary=(
            f"keys {action}: {report.reencrypted:,} values re-encrypted, {report.reindexed:,} index values recomputed"))
        self.summary(action, report)

    def progress(self, done: int, total: int):
        if self.stdout.isatty() and total:
            self.stdout.write(f"\r  {done:,} / {total:,} ({100 * done // total}%)", ending="")
            self.stdout.flush()
            if done == total:
                self.stdout.write("")

    def summary(self, action: str, report: keyring.Report):
        done = {
            "rotate": "Kunci diganti / keys rotated",
            "reencrypt": "Dienkripsi ulang / re-encrypted",
            "reindex": "Indeks dihitung ulang / indexes recomputed",
        }[action]
        self.stdout.write(
            f"{done}: {report.records:,} records read, {report.reencrypted:,} values re-encrypted, "
            f"{report.reindexed:,} index values recomputed, {report.written:,} records written "
            f"in {report.seconds:.1f} s."
        )
        for path in report.retired:
            self.stdout.write(f"  retired / dipensiunkan: {path}")
        if action == "rotate":
            self.stdout.write(
                "Mulai ulang lindung (server web, job worker) agar memakai kunci baru / "
                "restart lindung (web server, job worker) so it uses the new keys."
            )

    def status(self):
        state = keyring.status()
        write = self.stdout.write
        write(f"Kunci enkripsi / encryption key    ({state.encryption_source})")
        for kid, role in state.encryption_keys:
            write(f"  {kid}  {role}")
        write(f"Kunci indeks / blind-index key     ({state.index_source})")
        write(f"  {state.index_key_id}  current")
        if state.index_next_key_id:
            write(f"  {state.index_next_key_id}  next (rotasi belum selesai / unfinished rotation)")
        recorded = state.recorded_index_key_id or "-"
        match = "cocok / match" if state.indexes_match else "TIDAK COCOK / DO NOT MATCH: lindung keys reindex"
        write(f"Indeks dihitung dengan / indexes computed with: {recorded}  ({match})")
        write("Nilai per kunci / values per key:")
        for name, counts in state.values.items():
            shown = ", ".join(f"{kid} {n:,}" for kid, n in counts.most_common()) or "-"
            write(f"  {name:<28} {shown}")
        unknown = state.unknown_key_ids
        if unknown:
            write(
                f"Kunci tidak ada di keyring / keys missing from the keyring: {', '.join(sorted(unknown))}",
                style_func=self.style.ERROR,
            )
        if unknown or not state.indexes_match:
            sys.exit(1)
