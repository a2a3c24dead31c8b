"""Each benchmark case runs in a fresh process on a fresh database: SQLite in a temporary folder, or a
PostgreSQL database (`lindung_bench` unless named) dropped and created again."""
import json
import os
import subprocess
import sys
import tempfile

POSTGRES = "postgres://postgres@127.0.0.1:5432/{name}"


def peak_memory_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB.

    Not getrusage()'s ru_maxrss: Linux carries that over fork and exec, so a case started by a parent that
    had generated a million-row file reported the parent's peak, not its own.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def fresh_postgres(name: str = "lindung_bench") -> None:
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)


def run_fresh(script: str, database: str, *args: str, postgres_name: str = "lindung_bench") -> dict:
    """Run `script --case ARGS` on a fresh `database` ("sqlite" or "postgres"); its last line is JSON."""
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lindung.settings", "LINDUNG_VAR_DIR": var}
        if database == "postgres":
            fresh_postgres(postgres_name)
            env["LINDUNG_DATABASE_URL"] = POSTGRES.format(name=postgres_name)
        else:
            env["LINDUNG_DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
        out = subprocess.run([sys.executable, script, "--case", *args], env=env, check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])


def load_bench_register(people: int, today) -> None:
    """Inside a case (after django.setup()): migrate, load the regions and write a synthetic register."""
    from django.core.management import call_command

    from lindung.regions.models import Level, Region
    from lindung.regions.services import load_regions, villages_of
    from lindung.registry.demo import generate_register
    from lindung.registry.services import DEMO_MIGRANT_REGENCIES, insert_register

    call_command("migrate", verbosity=0)
    load_regions()
    villages = list(villages_of().values_list("code", "name"))
    others = list(
        Region.objects.filter(level=Level.DISTRICT, parent_id__in=DEMO_MIGRANT_REGENCIES).values_list("code", flat=True)
    )
    insert_register(
        generate_register(workers=people, seed=1, villages=villages, other_districts=others, today=today),
        source="bench",
    )
