"""A task goes through the real broker (Redis, or the file system with no services), a real worker runs it,
and the result is read back."""
import os
import subprocess
import sys

import pytest

from tests.integration.conftest import ROOT

pytestmark = pytest.mark.integration

CLIENT = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sondương.settings")
django.setup()
from sondương.celery import app, ping
result = ping.delay(41)
print("RESULT", result.get(timeout=60)["pong"], app.connection().transport_cls)
"""


def test_a_task_runs_on_a_real_worker_and_its_result_comes_back(celery_env, celery_worker_process):
    out = subprocess.run([sys.executable, "-c", CLIENT], cwd=ROOT, env=celery_env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    value, transport = line.split()[1], line.split()[2]
    assert value == "42"
    expected = "redis" if os.environ.get("CELERY_BROKER_URL", "").startswith("redis") else "filesystem"
    assert transport == expected
