"""`lindung start` as a service manager runs it: stopping it stops its job worker too."""
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from lindung.tests.test_browser import free_port


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that has ended but was not yet reaped still answers; it is not running.
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_stopping_lindung_with_a_signal_stops_its_job_worker(tmp_path, stop):
    port = free_port()
    env = {**os.environ, "LINDUNG_VAR_DIR": str(tmp_path),
           "LINDUNG_DATABASE_URL": f"sqlite:///{tmp_path}/lindung.sqlite3"}
    log = tmp_path / "start.log"
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "lindung.cli", "start", "--port", str(port), "--no-demo"],
                                  env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
        worker = int(re.search(r"Job worker\s+running \(pid (\d+)\)", log.read_text()).group(1))
        assert running(worker)
        server.send_signal(stop)
        assert server.wait(timeout=60) == 0
        assert "Stopped" in log.read_text()
        deadline = time.monotonic() + 30
        while running(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not running(worker), "the job worker outlived lindung start"
    finally:
        if server.poll() is None:
            server.kill()
