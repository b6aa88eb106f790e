"""insurancelake_local.parent_watch: a child the CLI names itself to ends when the CLI is gone, even
SIGKILLed, and removes the CLI's temporary folder."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from insurancelake_local.parent_watch import watch_parent

# An intermediate "CLI" that starts a watching child (not a group leader, as under a test), prints its
# pid, then sleeps until killed.
PARENT = """
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "from insurancelake_local.parent_watch import watch_parent\\n"
    "import time\\nassert watch_parent()\\ntime.sleep(600)"],
    env={**os.environ, "INSURANCELAKE_PARENT_PID": str(os.getpid()), "INSURANCELAKE_TEMP_DIR": sys.argv[1]})
print(child.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_child_ends_and_removes_the_temporary_folder_when_its_parent_is_sigkilled(tmp_path):
    temp = tmp_path / "insurancelake-1-x"
    (temp / "worker-1").mkdir(parents=True)
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(temp)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child)
    assert not temp.exists()


def test_no_watch_without_the_cli_naming_itself(monkeypatch):
    monkeypatch.delenv("INSURANCELAKE_PARENT_PID", raising=False)
    assert watch_parent() is False
