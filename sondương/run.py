"""`python -m sondương.run`: web, Celery worker and Celery beat in one foreground command (what `make run` starts).

Each process's output is prefixed with its name; Ctrl-C (or any process exiting) stops all three.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

PORT = os.environ.get("PORT", "8000")
HOST = os.environ.get("HOST", "127.0.0.1")


def commands() -> dict[str, list[str]]:
    py = sys.executable
    return {
        "web": [py, "-m", "gunicorn", "sondương.wsgi:application", "--bind", f"{HOST}:{PORT}",
                "--workers", os.environ.get("WEB_WORKERS", "2"), "--threads", "4", "--timeout", "120",
                "--access-logfile", "-"],
        "worker": [py, "-m", "celery", "-A", "sondương", "worker", "--loglevel", "INFO",
                   "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2")],
        "beat": [py, "-m", "celery", "-A", "sondương", "beat", "--loglevel", "INFO",
                 "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
    }


def _pump(name: str, proc: subprocess.Popen) -> None:
    assert proc.stdout is not None
    for line in iter(proc.stdout.readline, b""):
        sys.stdout.write(f"{name:>6} | {line.decode('utf-8', 'replace')}")
        sys.stdout.flush()


def main() -> int:
    procs: dict[str, subprocess.Popen] = {}
    for name, cmd in commands().items():
        procs[name] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=_pump, args=(name, procs[name]), daemon=True).start()
    print(f"   run | Hệ thống đang chạy tại http://{HOST}:{PORT}/  (Ctrl-C để dừng web, worker và beat)", flush=True)

    stopping_since: float | None = None

    def stop(*_args) -> None:
        """A warm shutdown: SIGTERM to each main process (gunicorn and celery stop their own children)."""
        nonlocal stopping_since
        if stopping_since is not None:
            return
        stopping_since = time.time()
        for p in procs.values():
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while not all(p.poll() is not None for p in procs.values()):
            for name, p in procs.items():
                rc = p.poll()
                if rc is not None and stopping_since is None:
                    print(f"   run | Tiến trình {name} đã dừng (mã {rc}); dừng toàn bộ hệ thống.", flush=True)
                    code = rc or 1
                    stop()
            if stopping_since is not None and time.time() - stopping_since > 20:
                break
            time.sleep(0.3)
    finally:
        for p in procs.values():
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            else:
                try:
                    os.killpg(p.pid, signal.SIGKILL)  # any orphaned child of the group
                except ProcessLookupError:
                    pass
    print("   run | Đã dừng.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
