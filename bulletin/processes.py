"""Child processes (pandoc, the PDF renderer) -> bound to the life of the bulletin process that started them."""

from __future__ import annotations

import os
import signal
import subprocess


def die_with_parent(parent: int | None = None) -> None:
    """Linux: have the kernel SIGKILL this process when its parent dies, so that a build killed with SIGKILL
    or SIGTERM leaves no pandoc or renderer working on with parent 1. Elsewhere it does nothing."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def out_of_memory(exc: BaseException) -> bool:
    """Whether a child under the address-space cap ran out of it: MemoryError, or the SystemError Python
    raises when a C extension's failed allocation returned NULL without setting MemoryError."""
    return isinstance(exc, MemoryError) or (isinstance(exc, SystemError) and "without exception set" in str(exc))


def run_bound(command: list[str], data: bytes, timeout: int) -> subprocess.CompletedProcess:
    """subprocess.run with the child bound to us: it dies with bulletin, and at the time limit."""
    parent = os.getpid()
    return subprocess.run(command, input=data, capture_output=True, timeout=timeout, check=False,
                          preexec_fn=lambda: die_with_parent(parent))


def exit_on_sigterm() -> None:
    """SIGTERM ends bulletin the way Ctrl-C does: staging files are removed by the same cleanup code."""
    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
