"""Running the real command line in its own process, as a user would."""

from __future__ import annotations

import ctypes
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import REPO

_SCRIPT = Path(sys.executable).with_name("cqatlas")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "geo"]


def as_ordinary_user() -> Callable[[], None] | None:
    """For root: drop the capabilities that bypass file permissions, so a chmod'ed file is unreadable to the child
    as it would be to any user. (A user who is not root needs nothing.)"""
    if os.geteuid() != 0:
        return None

    def drop() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH; PR_CAPBSET_DROP = 24
            if libc.prctl(24, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "cannot drop capability")
    return drop


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cli(*args: str, cwd: Path = REPO, timeout: float = 120, ordinary_user: bool = False,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=as_ordinary_user() if ordinary_user else None,
                          env={**os.environ, **(env or {})})


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) with its bytes."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}
