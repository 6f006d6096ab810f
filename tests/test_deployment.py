"""Deployment files and production settings: checked here, since no Docker engine runs on this machine."""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PROD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7#kP2!vQ9zR4@mN8&wL1^bT6*yH3%cF5$jD0(sG)aE+uI-oK=pZ",
    "ALLOWED_HOSTS": "giamngheo.sonduong.example",
}


def run_manage(*args: str, env_extra: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DATA_DIR": str(tmp_path), "STATIC_ROOT": str(tmp_path / "static")}, **env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_the_five_services_from_one_image(compose):
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert len(images) == 1
    assert all(services[name].get("build") == "." for name in ("web", "worker", "beat"))


def test_compose_has_healthchecks_and_named_volumes(compose):
    services = compose["services"]
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "reports"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert any(v.startswith("reports:") for v in services["web"]["volumes"])
    assert any(v.startswith("reports:") for v in services["worker"]["volumes"])


def _module_exists(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError:
        return False
    return True


def test_every_compose_command_names_a_module_that_exists(compose):
    checked = 0
    for name, service in compose["services"].items():
        command = service.get("command")
        if not command or name in ("postgres", "redis"):
            continue
        if command[0] == "gunicorn":
            module, attr = command[1].split(":")
            assert hasattr(importlib.import_module(module), attr), command
        elif command[0] == "celery":
            app_module = command[command.index("-A") + 1]
            assert hasattr(importlib.import_module(app_module), "celery_app"), command
            scheduler = next((c for c in command if c.startswith("django_celery_beat")), None)
            if "--scheduler" in command:
                mod, cls = command[command.index("--scheduler") + 1].split(":")
                assert hasattr(importlib.import_module(mod), cls)
            assert scheduler is None or _module_exists(scheduler.split(":")[0])
        elif command[0] == "python":
            assert (ROOT / command[1]).exists(), command
        else:
            pytest.fail(f"unknown command in {name}: {command}")
        checked += 1
    assert checked >= 4
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "sondương.wsgi:application" in dockerfile


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PROD_ENV, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    result = run_manage("check", env_extra={"DEBUG": "0", "SECRET_KEY": ""}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY phải được đặt khi DEBUG tắt" in result.stderr


def test_default_database_is_sqlite_in_wal_mode_with_immediate_transactions(tmp_path):
    code = (
        "import django;django.setup();from django.db import connection as c;"
        "cur=c.cursor();cur.execute('PRAGMA journal_mode');print(cur.fetchone()[0]);"
        "cur.execute('PRAGMA busy_timeout');print(cur.fetchone()[0]);"
        "print(c.settings_dict['OPTIONS']['transaction_mode']);print(c.settings_dict['NAME'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update({"DATA_DIR": str(tmp_path), "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "sondương.settings"})
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    mode, timeout, txn, name = out.stdout.split()
    assert (mode, int(timeout) >= 5000, txn) == ("wal", True, "IMMEDIATE")
    assert name.startswith(str(tmp_path))


def test_celery_defaults_to_the_file_system_broker_under_the_data_folder(tmp_path):
    code = "import django;django.setup();from django.conf import settings as s;print(s.CELERY_BROKER_URL, s.CELERY_BROKER_TRANSPORT_OPTIONS['data_folder_in'])"
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL",)}
    env.update({"DATA_DIR": str(tmp_path), "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "sondương.settings"})
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    broker, folder = out.stdout.split()
    assert broker == "filesystem://" and folder.startswith(str(tmp_path))


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.parametrize(("pages", "debug"), [("", "False"), ("1", "True")])
def test_the_laptop_mode_shows_technical_error_pages_only_when_asked(tmp_path, pages, debug):
    """`make run` (DEBUG=1) answers 404 and 500 with the application's own pages; DEBUG_PAGES=1 brings Django's."""
    code = "import django;django.setup();from django.conf import settings as s;print(s.DEBUG, s.DEV, s.WHITENOISE_USE_FINDERS)"
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG_PAGES",)}
    env.update({"DATA_DIR": str(tmp_path), "DEBUG": "1", "DEBUG_PAGES": pages, "DJANGO_SETTINGS_MODULE": "sondương.settings"})
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [debug, "True", "True"]


def test_pages_are_compressed_for_a_slow_link(client, db):
    response = client.get("/login/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    import gzip

    assert "Đăng nhập".encode() in gzip.decompress(response.content)
