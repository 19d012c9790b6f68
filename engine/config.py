"""Settings: defaults, then THEODOI_* environment variables, then explicit overrides (tests).

The only module that reads the environment."""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.files import kinds
from engine.reports import readings

PREFIX = "THEODOI_"
_REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the embedded defaults (SQLite, no Redis)."""

    data_dir: Path = Path("var")
    database_url: str = ""  # empty: a SQLite file in data_dir
    # PostgreSQL with two roles: migrations connect as the owner of the tables (this URL), the application
    # as the role of database_url, which may read and write rows but not alter, truncate or drop tables,
    # nor update or delete the audit tables. Empty: migrations use database_url (SQLite, one role).
    migration_database_url: str = ""
    secret_key: str = ""  # empty: generated once and kept in data_dir
    timezone: str = "Asia/Ho_Chi_Minh"
    # The longest the timer loop sleeps before it looks at the fire_at index again (it sleeps less when a
    # timer is due sooner); Celery beat sweeps this often.
    timer_interval: float = 1.0
    timer_batch: int = 500  # instances a sweep claims (each in its own transaction) per round
    # How long a writer waits for a lock another transaction holds (SQLite's write lock, a PostgreSQL row
    # lock) before it gives up: the request then answers 503 with Retry-After instead of hanging.
    lock_wait_seconds: float = 30.0
    processes_dir: Path = _REPO_ROOT / "processes"
    forms_dir: Path = _REPO_ROOT / "forms"
    max_diagram_bytes: int = 5 * 1024 * 1024
    max_xml_depth: int = 256
    script_step_budget: int = 100_000  # traced lines per script or expression
    script_time_budget: float = 2.0  # seconds per script or expression
    engine_step_budget: int = 2_000  # BPMN tasks run in one unit of work before it is refused
    # Save and restore every instance after each BPMN step: proves a diagram survives a stop anywhere.
    verify_persistence: bool = False
    culture_day_is_holiday: bool = False  # 24/11 Ngày Văn hóa Việt Nam: listed, not yet law
    due_soon_days: int = 3
    # Đ19.3: working days a unit has to update after an urging letter before VP proposes measures to the
    # Chairman.
    escalation_days: int = 5
    # R7: how "trước ngày 20" (T6) and "trước ngày 25" (T7) are read: day_19 (default), day_20 or
    # last_working_day_before_20 (engine/reports/readings.py).
    report_deadline: str = readings.DEFAULT_READING
    # P10 (Đ26.1): the day ("MM-DD") each year's report on implementing the regulation opens, moved to the
    # next working day.
    regulation_report_day: str = "12-01"
    # Reminders before deadlines (engine/reminders): how many working days before each deadline one goes
    # out ("3,1"; empty: none), on working days from this local hour on.
    reminder_days: str = "3,1"
    reminder_hour: int = 7
    # Đ9.2.b: a coordinating unit that has not sent its contribution is reminded this many working days
    # before the lead unit's deadline (and again on it).
    coordination_lead_days: int = 5
    # Công khai kết quả: who may show the embeddable view /cong-khai/<id>/nhung in a frame, as the CSP
    # frame-ancestors sources ("*" anyone; or e.g. "https://laocai.gov.vn https://*.laocai.gov.vn"; no ";"
    # or ",", which would end the directive). Every other page refuses to be framed.
    public_embed_origins: str = "*"
    broker_url: str = ""  # empty: jobs run inline (embedded mode)
    deploy_on_start: bool = True
    # Sign-in (engine/auth). A page session ends after this long without a request, and at the latest this
    # long after sign-in.
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    # "auto": the session cookie is Secure when the request came over HTTPS; "true" or "false" force it.
    session_cookie_secure: str = "auto"
    token_days: int = 90  # lifetime of a new API token unless its owner asks for less
    token_max_days: int = 366  # a token may live a year at most (366: a leap year)
    tokens_per_user: int = 10  # live API tokens one user may hold
    # After this many failed sign-ins within the window, the username (or the client address, which an
    # office behind one NAT address shares, hence the higher count) is locked for login_lock_minutes.
    login_max_failures: int = 5
    login_address_max_failures: int = 20
    login_window_minutes: int = 15
    login_lock_minutes: int = 15
    # Tệp đính kèm (engine/files): the largest file one upload may carry, and the kinds allowed, by
    # extension (each is also checked by its content; engine/files/kinds.py lists what can be recognised).
    files_max_bytes: int = 20 * 1024 * 1024
    files_types: str = kinds.DEFAULT_TYPES
    # An S3-compatible store (MinIO) for the files; without a bucket they stay under data_dir/files.
    files_s3_endpoint: str = ""  # e.g. http://minio:9000; empty: the provider's default (AWS)
    files_s3_bucket: str = ""
    files_s3_access_key: str = ""
    files_s3_secret_key: str = ""
    files_s3_region: str = "us-east-1"

    def __post_init__(self) -> None:
        # Parsed here, once: a bad value stops the start-up, not the first reminder pass hours later.
        _ = self.reminder_offsets
        _ = self.file_types
        if self.files_max_bytes < 1:
            raise ValueError(
                f"{PREFIX}FILES_MAX_BYTES must be a positive number of bytes, got {self.files_max_bytes}"
            )
        if not 0 <= self.reminder_hour <= 23:
            raise ValueError(
                f"{PREFIX}REMINDER_HOUR must be an hour from 0 to 23, got {self.reminder_hour!r}"
            )
        if self.report_deadline not in readings.READINGS:
            raise ValueError(
                f"{PREFIX}REPORT_DEADLINE must be one of {', '.join(readings.READINGS)}, "
                f"got {self.report_deadline!r}"
            )
        if not self.public_embed_origins.split() or any(c in self.public_embed_origins for c in ";,"):
            raise ValueError(
                f"{PREFIX}PUBLIC_EMBED_ORIGINS must be '*' or origins separated by spaces, "
                f"e.g. 'https://laocai.gov.vn', got {self.public_embed_origins!r}"
            )
        if self.session_cookie_secure not in SECURE_COOKIE_CHOICES:
            raise ValueError(
                f"{PREFIX}SESSION_COOKIE_SECURE must be one of {', '.join(SECURE_COOKIE_CHOICES)}, "
                f"got {self.session_cookie_secure!r}"
            )

    @functools.cached_property
    def reminder_offsets(self) -> tuple[int, ...]:
        """reminder_days as distinct working-day counts, the earliest reminder first: (3, 1)."""
        return parse_reminder_days(self.reminder_days)

    @functools.cached_property
    def file_types(self) -> frozenset[str]:
        """files_types as a set of extensions: {"pdf", "docx", ...}."""
        return kinds.parse_types(self.files_types)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'theodoi.db').resolve()}"

    @property
    def resolved_migration_database_url(self) -> str:
        return self.migration_database_url or self.resolved_database_url

    def resolved_secret_key(self) -> str:
        """The configured key, else one generated on first use and kept in data_dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


SECURE_COOKIE_CHOICES = ("auto", "true", "false")

# A reminder further ahead than this many working days (about three months) is a typo, and it would make
# every reminder pass read that far ahead.
MAX_REMINDER_DAYS = 60


def parse_reminder_days(raw: str) -> tuple[int, ...]:
    """Parse "3,1" into (3, 1): distinct counts of working days, 0 to MAX_REMINDER_DAYS, largest first."""
    try:
        days = {int(part) for part in raw.split(",") if part.strip()}
    except ValueError:
        days = None
    if days is None or any(not 0 <= n <= MAX_REMINDER_DAYS for n in days):
        raise ValueError(
            f"{PREFIX}REMINDER_DAYS must be working-day counts from 0 to {MAX_REMINDER_DAYS} separated by "
            f"commas, e.g. '3,1', got {raw!r}"
        )
    return tuple(sorted(days, reverse=True))


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build Settings from defaults, THEODOI_* variables in `env` (default os.environ), then `overrides`."""
    env = os.environ if env is None else env
    values: dict[str, Any] = _deprecated(env)
    for f in dataclasses.fields(Settings):
        raw = env.get(PREFIX + f.name.upper())
        if raw is not None:
            values[f.name] = _coerce(f.name, f.type, raw)
    values.update(overrides)
    return Settings(**values)


# Deprecated variables, still read: the old boolean that chose between the 19th and the 20th, before
# report_deadline had a third reading.
_INCLUSIVE = "REPORT_DEADLINE_INCLUSIVE"


def _deprecated(env: Mapping[str, str]) -> dict[str, Any]:
    """THEODOI_REPORT_DEADLINE_INCLUSIVE as the reading it meant (true: day_20, false: day_19), with a
    warning; set together with THEODOI_REPORT_DEADLINE it is an error, since one of them would be ignored."""
    raw = env.get(PREFIX + _INCLUSIVE)
    if raw is None:
        return {}
    if PREFIX + "REPORT_DEADLINE" in env:
        raise ValueError(
            f"{PREFIX}{_INCLUSIVE} is replaced by {PREFIX}REPORT_DEADLINE: set only {PREFIX}REPORT_DEADLINE"
        )
    reading = readings.THE_DAY if _coerce(_INCLUSIVE.lower(), "bool", raw) else readings.DAY_BEFORE
    logging.getLogger(__name__).warning(
        "%s%s is deprecated: set %sREPORT_DEADLINE=%s instead", PREFIX, _INCLUSIVE, PREFIX, reading
    )
    return {"report_deadline": reading}


def _coerce(name: str, kind: Any, raw: str) -> Any:
    kind = str(kind)
    try:
        if kind == "bool":
            if raw.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(raw)
            return raw.lower() in {"1", "true", "yes", "on"}
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw)
    except ValueError:
        raise ValueError(f"{PREFIX}{name.upper()} must be a {kind}, got {raw!r}") from None
    return raw
