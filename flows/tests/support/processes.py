"""Stopping the subprocesses the tests start (Prefect servers and workers)."""

from __future__ import annotations

import subprocess
from typing import IO, Any


def stop(proc: subprocess.Popen[Any], log: IO[Any] | None = None, timeout: float = 20) -> None:
    """Terminate, give it `timeout` seconds to exit cleanly, then kill; close its log."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
    if log is not None:
        log.close()
