"""Real services for the integration tests: a Celery worker process started by the test.

In the no-services pass the worker uses the file-system broker under a temporary folder; in the services
pass (CELERY_BROKER_URL set) it uses Redis. Results come back through a backend that needs no database:
Redis when REDIS_URL is set, otherwise kombu's file-system result store.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_env(tmp_path):
    env = dict(os.environ)
    broker = os.environ.get("CELERY_BROKER_URL", "")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env["DATA_DIR"] = str(data_dir)
    if broker.startswith("redis"):
        redis_url = os.environ.get("REDIS_URL") or broker
        env["CELERY_RESULT_BACKEND"] = redis_url
    else:
        env["CELERY_BROKER_URL"] = "filesystem://"
        results = tmp_path / "results"
        results.mkdir()
        env["CELERY_RESULT_BACKEND"] = f"file://{results}"
    return env


@pytest.fixture
def celery_worker_process(celery_env):
    """A real `celery worker` process, stopped at the end of the test."""
    log = open(Path(celery_env["DATA_DIR"]) / "worker.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "sondương", "worker", "--loglevel", "INFO", "--pool", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=celery_env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        log.seek(0)
        if "ready." in log.read():
            break
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail("Celery worker exited early:\n" + log.read())
        time.sleep(0.2)
    else:
        proc.kill()
        log.seek(0)
        pytest.fail("Celery worker did not start within 60 s:\n" + log.read())
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
