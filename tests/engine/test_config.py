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


@pytest.mark.parametrize("reading", ["day_19", "day_20", "last_working_day_before_20"])
def test_the_report_deadline_reading_is_chosen_by_its_variable(reading):
    assert load_settings(env={}).report_deadline == "day_19"
    assert load_settings(env={"THEODOI_REPORT_DEADLINE": reading}).report_deadline == reading


@pytest.mark.parametrize("value", ["20", "Day_19", "", "last_working_day"])
def test_a_bad_report_deadline_stops_the_start_naming_the_allowed_values(value):
    allowed = "day_19, day_20, last_working_day_before_20"
    with pytest.raises(ValueError, match=f"THEODOI_REPORT_DEADLINE must be one of {allowed}, got '{value}'"):
        load_settings(env={"THEODOI_REPORT_DEADLINE": value})


@pytest.mark.parametrize(("raw", "reading"), [("1", "day_20"), ("true", "day_20"), ("0", "day_19")])
def test_the_deprecated_inclusive_variable_still_works_with_a_warning(raw, reading, caplog):
    settings = load_settings(env={"THEODOI_REPORT_DEADLINE_INCLUSIVE": raw})
    assert settings.report_deadline == reading
    assert f"set THEODOI_REPORT_DEADLINE={reading} instead" in caplog.text


def test_the_deprecated_variable_with_the_new_one_is_refused_and_a_bad_one_named():
    with pytest.raises(ValueError, match="set only THEODOI_REPORT_DEADLINE"):
        load_settings(env={"THEODOI_REPORT_DEADLINE_INCLUSIVE": "1", "THEODOI_REPORT_DEADLINE": "day_20"})
    with pytest.raises(ValueError, match="THEODOI_REPORT_DEADLINE_INCLUSIVE must be a bool, got 'maybe'"):
        load_settings(env={"THEODOI_REPORT_DEADLINE_INCLUSIVE": "maybe"})
