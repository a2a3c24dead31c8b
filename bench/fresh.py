"""Each benchmark case runs in a fresh process on a fresh database: SQLite in a temporary folder, or the
PostgreSQL database `lindung_bench` dropped and created again."""
import json
import os
import subprocess
import sys
import tempfile

POSTGRES = "postgres://postgres@127.0.0.1:5432/lindung_bench"


def fresh_postgres() -> None:
    for sql in ("DROP DATABASE IF EXISTS lindung_bench", "CREATE DATABASE lindung_bench"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)


def run_fresh(script: str, database: str, *args: str) -> dict:
    """Run `script --case ARGS` on a fresh `database` ("sqlite" or "postgres"); its last line is JSON."""
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lindung.settings", "LINDUNG_VAR_DIR": var}
        if database == "postgres":
            fresh_postgres()
            env["LINDUNG_DATABASE_URL"] = POSTGRES
        else:
            env["LINDUNG_DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
        out = subprocess.run([sys.executable, script, "--case", *args], env=env, check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])
