"""Start N cnnviz replicas and Debian's nginx in front of them, all on loopback.

Each replica is ``streamlit run app.py`` on its own loopback port; nginx
(``deploy/nginx.conf``, filled in here) listens on one port and pins each
browser to one replica with a cookie (see the comments in nginx.conf). nginx
runs as the current user from a temporary prefix: no system configuration is
read or touched. Nothing listens beyond 127.0.0.1.

Run from the repository root::

    python deploy/run_replicas.py --replicas 2 --port 8080    # until Ctrl-C
    python bench/load.py --url http://127.0.0.1:8080 --pid ... # the pids it prints

Needs ``nginx`` on the PATH or in /usr/sbin (Debian: ``apt-get install nginx``).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf")


def nginx_binary() -> str | None:
    """Debian's nginx, if installed."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, what: str, timeout: float,
                 poll: float = 0.1) -> None:
    """Return once ``url``'s ``/_stcore/health`` answers 200; RuntimeError if ``proc`` exits first.

    Also used by ``tests/e2e/server.py`` (every browser test and benchmark).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start (exit status {proc.poll()})")
        time.sleep(poll)


def render_config(prefix: Path, listen: str, ports: list[int]) -> str:
    """deploy/nginx.conf with its @NAME@ values filled in."""
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    upstreams = "\n        ".join(f"server 127.0.0.1:{p} max_fails=0;" for p in ports)
    values = {"USER": user, "PREFIX": str(prefix), "LISTEN": listen, "UPSTREAMS": upstreams}
    lines = []
    for line in TEMPLATE.read_text().splitlines():
        if not line.lstrip().startswith("#"):  # the header's comments name the @NAME@s
            for name, value in values.items():
                line = line.replace(f"@{name}@", value)
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Cluster:
    """What :func:`running_cluster` started."""

    url: str  # nginx
    replicas: tuple[str, ...]  # each replica's own URL
    pids: tuple[int, ...]  # the replicas' pids
    nginx_pid: int
    prefix: Path  # nginx's logs (access.log, error.log) are here


@contextlib.contextmanager
def running_cluster(replicas: int = 2, *, port: int = 0, app_dir: Path = ROOT,
                    prefix: Path | None = None, timeout: float = 120.0,
                    env: dict[str, str] | None = None) -> Iterator[Cluster]:
    """Start ``replicas`` × ``streamlit run app.py`` and nginx in front; stop them all after.

    ``port`` 0 picks a free one; ``env`` adds to the replicas' environment (class
    mode's ``CNNVIZ_REDIS_URL``, say). Raises ``RuntimeError`` if nginx is missing or
    anything fails to start.
    """
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    if replicas < 1:
        raise ValueError(f"replicas must be at least 1, got {replicas}")
    prefix = Path(prefix or tempfile.mkdtemp(prefix="cnnviz_nginx_"))
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi", "logs"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    # One cookie secret for all replicas, so a signed cookie one made, another accepts.
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32), **(env or {})}
    procs: list[subprocess.Popen] = []
    try:
        ports = [free_port() for _ in range(replicas)]
        for i, p in enumerate(ports):
            log = open(prefix / f"replica{i}.log", "w")  # noqa: SIM115 (closed with the process)
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(Path(app_dir) / "app.py"),
                 "--server.headless", "true", "--server.port", str(p),
                 "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
                 "--server.fileWatcherType", "none"],
                cwd=app_dir, stdout=log, stderr=subprocess.STDOUT, env=env))
            log.close()
        for i, (p, proc) in enumerate(zip(ports, procs, strict=True)):
            wait_healthy(f"http://127.0.0.1:{p}", proc, f"replica {i} (see {prefix})", timeout)
        listen_port = port or free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(render_config(prefix, f"127.0.0.1:{listen_port}", ports))
        cmd = [nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"]
        if "-e filename" in subprocess.run([nginx, "-h"], capture_output=True, text=True).stderr:
            # nginx ≥ 1.19.5: not even the startup log goes to /var/log/nginx.
            cmd[1:1] = ["-e", str(prefix / "error.log")]
        check = subprocess.run([*cmd[:-2], "-t"], capture_output=True, text=True)  # no -g
        if check.returncode:
            raise RuntimeError(f"nginx rejected {conf}: {check.stderr.strip()}")
        front = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        procs.append(front)
        url = f"http://127.0.0.1:{listen_port}"
        wait_healthy(url, front, f"nginx (see {prefix}/error.log)", 30)
        yield Cluster(url, tuple(f"http://127.0.0.1:{p}" for p in ports),
                      tuple(p.pid for p in procs[:-1]), front.pid, prefix)
    finally:
        for proc in reversed(procs):
            proc.send_signal(signal.SIGTERM)  # nginx: fast shutdown; streamlit: stop
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replicas", type=int, default=2, help="how many `streamlit run` (2)")
    p.add_argument("--port", type=int, default=8080, help="nginx's loopback port (8080)")
    p.add_argument("--app-dir", default=str(ROOT), help="the checkout to run (this one)")
    p.add_argument("--redis", action="store_true",
                   help="class mode across replicas: start Debian's redis-server on a free "
                        "loopback port and give the replicas CNNVIZ_REDIS_URL")
    args = p.parse_args(argv)
    with contextlib.ExitStack() as stack:
        env = {}
        if args.redis:
            try:
                from deploy.redis_local import running_redis
            except ImportError:  # run as a script: deploy/ itself is on the path
                from redis_local import running_redis

            env["CNNVIZ_REDIS_URL"] = stack.enter_context(running_redis())
            print(f"redis: {env['CNNVIZ_REDIS_URL']}")
        return _serve(args, env)


def _serve(args, env: dict[str, str]) -> int:
    with running_cluster(args.replicas, port=args.port, app_dir=Path(args.app_dir),
                         env=env) as c:
        print(f"nginx: {c.url} (pid {c.nginx_pid}; config, logs: {c.prefix})")
        for url, pid in zip(c.replicas, c.pids, strict=True):
            print(f"replica: {url} (pid {pid})")
        print("load: python bench/load.py --url " + c.url + "".join(f" --pid {pid}"
                                                                   for pid in c.pids))
        print("Ctrl-C stops them all.", flush=True)
        signal.signal(signal.SIGTERM, _interrupt)  # stop the replicas on kill too
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                signal.pause()
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
