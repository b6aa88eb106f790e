"""Die with the CLI: no process the ``insurancelake`` CLI starts may outlive it.

The CLI starts the moto server and the Spark worker each in its own process group and names itself
in ``INSURANCELAKE_PARENT_PID``. :func:`watch_parent` starts a daemon thread that polls the parent
pid; once the CLI is gone, whatever ended it (SIGKILL included: this process is then re-parented),
it runs the cleanup it was given, removes ``INSURANCELAKE_TEMP_DIR`` and kills its own process group
(the JVM and Spark's Python workers are in it), or only itself when it does not lead a group (started
by hand or by a test, where killing the group would kill the caller).
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Callable

PARENT_ENV = "INSURANCELAKE_PARENT_PID"
TEMP_ENV = "INSURANCELAKE_TEMP_DIR"
POLL_SECONDS = 0.25


def watch_parent(cleanup: Callable[[], None] | None = None) -> bool:
    """Start the watch when the CLI named itself; returns whether it did."""
    parent = os.environ.get(PARENT_ENV, "")
    if not parent.isdigit():
        return False
    expected = int(parent)

    def watch() -> None:
        while os.getppid() == expected:
            time.sleep(POLL_SECONDS)
        end_with_parent(cleanup)

    threading.Thread(target=watch, name="insurancelake-parent-watch", daemon=True).start()
    return True


def end_with_parent(cleanup: Callable[[], None] | None = None) -> None:
    """Run ``cleanup``, remove the CLI's temporary folder, then kill the group (or this process)."""
    try:
        if cleanup is not None:
            cleanup()
    finally:
        temp = os.environ.get(TEMP_ENV)
        if temp:
            shutil.rmtree(temp, ignore_errors=True)
        if os.getpgid(0) == os.getpid():
            os.killpg(os.getpid(), signal.SIGKILL)
        os._exit(1)
