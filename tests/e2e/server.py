"""Start ``streamlit run`` on a free loopback port and wait until it is healthy.

One helper for the browser tests (tests/e2e/conftest.py) and the browser
benchmarks (bench/rerun_latency.py, bench/animation_browser.py), which import
it from here. No pytest in it, so a benchmark needs none.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from deploy.run_replicas import free_port, wait_healthy


@contextlib.contextmanager
def running_app(script: Path, *, cwd: Path, log: Path, env: Mapping[str, str] | None = None,
                timeout: float = 90.0) -> Iterator[str]:
    """Run ``streamlit run script`` from ``cwd``; yield its URL once ``/_stcore/health`` answers.

    The server listens on loopback only, writes its output to ``log``, and is
    stopped when the block ends. ``env`` adds to (or overrides) the environment.
    """
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        try:
            url = f"http://127.0.0.1:{port}"
            # Fine-grained polling: the cold-start benchmark times this wait.
            wait_healthy(url, proc, f"streamlit (see {log})", timeout, poll=0.05)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
