"""docker-compose.yml and the Dockerfile stay consistent with the code (no Docker engine runs here)."""

from __future__ import annotations

import dataclasses
import importlib
import re
import tomllib

import yaml

from engine.cli import main
from engine.config import PREFIX, Settings
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
SERVICES = COMPOSE["services"]


def test_the_distributed_mode_has_all_its_parts():
    assert {"postgres", "redis", "minio", "migrate", "web", "worker", "beat"} <= set(SERVICES)
    for name, service in SERVICES.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in SERVICES, f"{name} depends on unknown service {dependency}"


def test_every_theodoi_variable_is_a_setting():
    fields = {f.name.upper() for f in dataclasses.fields(Settings)}
    for name, service in SERVICES.items():
        for variable in service.get("environment", {}):
            if variable.startswith(PREFIX):
                assert variable[len(PREFIX) :] in fields, (
                    f"{name}: {variable} is not read by engine/config.py"
                )
    assert "postgresql+psycopg://" in SERVICES["web"]["environment"]["THEODOI_DATABASE_URL"]


def test_the_attached_files_go_to_minio_and_its_volume():
    minio = SERVICES["minio"]
    assert "files:/data" in minio["volumes"] and "files" in COMPOSE["volumes"]
    for name in ("web", "worker"):
        environment = SERVICES[name]["environment"]
        assert environment["THEODOI_FILES_S3_ENDPOINT"] == "http://minio:9000"
        assert environment["THEODOI_FILES_S3_BUCKET"]
        assert SERVICES[name]["depends_on"]["minio"] == {"condition": "service_healthy"}
    # The application signs in with MinIO's own account (one secret, set once for both).
    assert (
        minio["environment"]["MINIO_ROOT_PASSWORD"]
        == SERVICES["web"]["environment"]["THEODOI_FILES_S3_SECRET_KEY"]
    )
    assert "s3" in re.search(r'pip install [^"]*"\.\[([\w,]+)\]"', DOCKERFILE).group(1).split(",")


def test_commands_point_at_real_entry_points():
    commands = [" ".join(s["command"]) for s in SERVICES.values() if "command" in s and s.get("build")]
    for command in commands:
        for sub in re.findall(r"theodoi ([a-z-]+)", command):
            assert sub in main.commands, f"'theodoi {sub}' does not exist"
        for module in re.findall(r"-A ([\w.]+)", command):
            assert hasattr(importlib.import_module(module), "celery_app")
        for spec in re.findall(r"([\w.]+):(\w+)\(\)", command):
            assert callable(getattr(importlib.import_module(spec[0]), spec[1]))


def test_dockerfile_copies_what_exists_and_installs_the_extras_it_needs():
    for source in re.findall(r"^COPY (\S+)", DOCKERFILE, flags=re.M):
        assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for wanted in re.search(r'pip install [^"]*"\.\[([\w,]+)\]"', DOCKERFILE).group(1).split(","):
        assert wanted in extras
