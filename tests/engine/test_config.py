"""Settings: defaults, then THEODOI_* variables, then explicit overrides; bad values are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import load_settings


def test_defaults_are_the_embedded_mode(tmp_path):
    settings = load_settings(env={}, data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'theodoi.db'}"
    assert settings.timezone == "Asia/Ho_Chi_Minh" and settings.broker_url == ""


def test_environment_then_overrides():
    env = {
        "THEODOI_DATABASE_URL": "postgresql+psycopg://x/y",
        "THEODOI_TIMER_INTERVAL": "5",
        "THEODOI_CULTURE_DAY_IS_HOLIDAY": "yes",
        "THEODOI_DATA_DIR": "/srv/theodoi",
        "OTHER": "ignored",
    }
    settings = load_settings(env=env, timer_interval=1.5)
    assert settings.resolved_database_url == "postgresql+psycopg://x/y"
    assert settings.timer_interval == 1.5 and settings.culture_day_is_holiday is True
    assert settings.data_dir == Path("/srv/theodoi")


@pytest.mark.parametrize(("name", "value"), [("TIMER_INTERVAL", "soon"), ("DEPLOY_ON_START", "maybe")])
def test_a_bad_value_names_the_variable(name, value):
    with pytest.raises(ValueError, match=f"THEODOI_{name}"):
        load_settings(env={f"THEODOI_{name}": value})


def test_the_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_settings(env={}, data_dir=tmp_path).resolved_secret_key()
    assert len(first) > 40
    assert load_settings(env={}, data_dir=tmp_path).resolved_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
