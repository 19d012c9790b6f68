"""The `theodoi` command."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from engine import clock, migrate
from engine.config import load_settings
from engine.errors import EngineError, InvalidDiagramError
from engine.system import System, build


def _system(migrate_db: bool = True) -> System:
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    system = build(settings)
    if migrate_db:
        migrate.upgrade_for(settings)
    return system


def _fail(exc: EngineError) -> None:
    click.echo(f"lỗi: {exc.message}", err=True)
    for name, problem in exc.details.get("fields", {}).items():
        click.echo(f"  {name}: {problem}", err=True)
    sys.exit(1)


@click.group()
def main() -> None:
    """theodoi: theo dõi, đôn đốc, kiểm tra nhiệm vụ (Quy chế 35/2015/QĐ-UBND) bằng quy trình BPMN."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Load demo units, users and documents (once).")
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, demo: bool, threads: int) -> None:
    """Run the web server (waitress) and the in-process timer loop on the configured database."""
    import waitress

    from engine.instances.jobs import TimerLoop
    from engine.startup import prepare
    from engine.web.app import create_app

    system = _system()
    try:
        lines = prepare(system, demo=demo)
    except InvalidDiagramError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        where = system.settings.processes_dir
        click.echo(f"refusing to start: {where} has diagrams that cannot run", err=True)
        sys.exit(1)
    for line in lines:
        click.echo(line)
    loop = TimerLoop(system)
    loop.start()
    click.echo(f"theodoi on http://{host}:{port}/ (database {system.settings.resolved_database_url})")
    try:
        waitress.serve(create_app(system=system), host=host, port=port, threads=threads, ident="theodoi")
    finally:
        loop.stop()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def deploy(paths: tuple[Path, ...]) -> None:
    """Deploy diagrams (default: every file in processes/). Identical content keeps its version, and
    processes marked startAutomatically get their scheduled instance if they have none running."""
    from engine.definitions import scheduled
    from engine.definitions import service as definitions

    system = _system()
    try:
        with system.db.transaction() as session:
            if not paths:
                results = definitions.deploy_directory(session=session, settings=system.settings, actor="cli")
            else:
                results = []
                for path in _bpmn_files(paths):
                    results += definitions.deploy(
                        session=session,
                        settings=system.settings,
                        data=path.read_bytes(),
                        filename=str(path),
                        actor="cli",
                    )
            started = scheduled.ensure_running(session=session, engine=system.engine)
    except InvalidDiagramError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        sys.exit(1)
    for r in results:
        state = "new version" if r.created else "unchanged"
        click.echo(f"{r.definition.process_id} v{r.definition.version}: {state}")
    for instance_id in started:
        click.echo(f"started scheduled instance {instance_id}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check diagrams without deploying: one line per problem, `file:line: element-id: message`, and one
    per warning, `warning: file:line: element-id: message`; warnings alone still exit 0."""
    from engine.bpmn.loader import describe_files

    settings = load_settings()
    verdicts = describe_files(
        [(str(f), f.read_bytes() if f.is_file() else None) for f in files],
        max_bytes=settings.max_diagram_bytes,
        max_depth=settings.max_xml_depth,
    )
    for line in verdicts.lines:
        click.echo(line)
    sys.exit(0 if verdicts.all_valid else 1)


@main.command("test")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def test_scenarios(files: tuple[Path, ...]) -> None:
    """Run scenario files (default: processes/tests/*.yaml) in a scratch database: one line per
    scenario, then a summary; exit 1 if any fails."""
    from engine.scenarios.runner import run_files, scenario_files

    settings = load_settings()
    report = run_files(settings=settings, paths=list(files) or scenario_files(settings))
    for r in report.results:
        first, *more = r.message.splitlines() or [""]
        click.echo(f"{'✓' if r.passed else '✗'} {r.file}: {r.name}" + (f": {first}" if first else ""))
        for line in more:
            click.echo(f"    {line}")
    passed = sum(r.passed for r in report.results)
    click.echo(f"{passed}/{len(report.results)} kịch bản đạt, {len(report.results) - passed} không đạt")
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option(
    "--now", "at", default=None, help="Fire as if it were this ISO instant (e.g. 2025-02-06T09:00+07:00)."
)
def tick(at: str | None) -> None:
    """Fire the timers that are due, once."""
    from engine.instances.jobs import sweep

    system = _system()
    if at:
        now = _instant(at)
        with clock.frozen(now):
            result = sweep(system, now=now)
    else:
        now = clock.now()
        result = sweep(system)
    click.echo(
        f"{now.isoformat()}: fired {result.fired} timer step(s), {len(result.failed)} incident(s), "
        f"{result.reminders} reminder(s)"
    )
    # A failing instance is parked as an incident for the monitors; the sweep itself succeeded.
    for instance_id, message in result.failed.items():
        click.echo(f"  incident on process instance {instance_id}: {message}", err=True)


@main.command()
def migrate_db() -> None:
    """Bring the database schema up to date."""
    _system()
    click.echo("database is up to date")


@main.command()
@click.option("--units", default=60, show_default=True, type=click.IntRange(min=4))
@click.option("--documents", default=3000, show_default=True, type=click.IntRange(min=0))
@click.option("--start", default=None, help="First simulated day, YYYY-MM-DD [default: 1 January next year].")
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3 * 366))
@click.option("--seed", default=35, show_default=True, type=int)
@click.option("--database-url", default=None, help="An empty database [default: a new SQLite file].")
@click.option("--rate", "rates", multiple=True, metavar="NAME=VALUE", help="Change a behaviour rate.")
@click.option("--quiet/--progress", default=False, help="Nothing until the report, or a line a month.")
def simulate(
    units: int,
    documents: int,
    start: str | None,
    days: int,
    seed: int,
    database_url: str | None,
    rates: tuple[str, ...],
    quiet: bool,
) -> None:
    """Run a province year through the service layer on a fast clock and check its invariants; exit 1
    naming each invariant that failed, 2 if the database already holds data."""
    from engine.simulation.command import run_and_report, settings_for
    from engine.simulation.options import Options, Rates

    try:
        changes = dict(rate.split("=", 1) for rate in rates if "=" in rate)
        if len(changes) != len(rates):
            raise ValueError("give each rate as NAME=VALUE")
        extra = {"start": _date(start)} if start else {}
        rate_values = Rates.with_changes(changes)
        options = Options(units=units, documents=documents, days=days, seed=seed, rates=rate_values, **extra)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    sys.exit(run_and_report(settings_for(database_url), options, echo=click.echo, progress=not quiet))


@main.group()
def workdays() -> None:
    """Working-day arithmetic and the calendar overrides."""


@workdays.command("add")
@click.argument("day")
@click.argument("n", type=int)
def workdays_add(day: str, n: int) -> None:
    """Print the N-th working day after DAY (DAY itself not counted)."""
    click.echo(_calendar().add_working_days(_date(day), n).isoformat())


@workdays.command("due")
@click.argument("day")
def workdays_due(day: str) -> None:
    """Print the effective due date of a deadline on DAY (a day off moves to the next working day)."""
    click.echo(_calendar().effective_due_date(_date(day)).isoformat())


@workdays.command("set")
@click.argument("day")
@click.option("--working/--off", required=True, help="A make-up working day, or an extra day off.")
@click.option("--note", default="", help="Why (the decision that announced it).")
@click.option("--dry-run", is_flag=True, help="List the open deadlines that would move; change nothing.")
def workdays_set(day: str, working: bool, note: str, dry_run: bool) -> None:
    """Declare DAY a working day or a day off, whatever the holidays package says; the open deadlines
    that depend on it move with it."""
    _correct_calendar(_date(day), working, note, dry_run)


@workdays.command("unset")
@click.argument("day")
@click.option("--dry-run", is_flag=True, help="List the open deadlines that would move; change nothing.")
def workdays_unset(day: str, dry_run: bool) -> None:
    """Remove the override of DAY; the open deadlines that depend on it move back."""
    _correct_calendar(_date(day), None, "", dry_run)


def _correct_calendar(day: date, working: bool | None, note: str, dry_run: bool) -> None:
    from engine.workdays import corrections

    system = _system()
    unit_of_work = system.db.reading if dry_run else system.db.transaction
    try:
        with unit_of_work() as session:
            done = corrections.change_override(
                session=session,
                engine=system.engine,
                day=day,
                working=working,
                note=note,
                actor="cli",
                now=clock.now(),
                dry_run=dry_run,
            )
    except EngineError as exc:
        _fail(exc)
    for line in corrections.describe(done):
        click.echo(line)


@workdays.command("year")
@click.argument("year", type=int)
@click.option("--official/--estimated", default=None, help="Its days off were announced, or not yet.")
@click.option("--notice", default="", help="The notice that announced them, e.g. 'Thông báo số 5/TB-BNV'.")
@click.option("--notice-date", default=None, help="The notice's date (YYYY-MM-DD).")
def workdays_year(year: int, official: bool | None, notice: str, notice_date: str | None) -> None:
    """Show YEAR's calendar status, or set it: official (with its notice) or estimated (the default: the
    holidays package's reckoning)."""
    from engine.workdays import service

    system = _system()
    try:
        with system.db.transaction() as session:
            if official is None:
                row = service.year_status(session=session, year=year)
            else:
                row = service.set_year(
                    session=session,
                    year=year,
                    official=official,
                    notice=notice,
                    notice_date=_date(notice_date) if notice_date else None,
                    actor="cli",
                    now=clock.now(),
                )
            click.echo(service.describe_year(row))
    except EngineError as exc:
        _fail(exc)


@workdays.command("list")
@click.option("--year", type=int, default=None)
def workdays_list(year: int | None) -> None:
    """List the overrides."""
    from engine.workdays import service

    system = _system()
    with system.db.reading() as session:
        for o in service.list_(session=session, year=year):
            click.echo(f"{o.day.isoformat()}\t{'làm việc' if o.working else 'nghỉ'}\t{o.note}")


@main.group()
def users() -> None:
    """Users and API tokens."""


@users.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name, e.g. 'Nguyễn Văn An'.")
@click.option("--role", "roles", multiple=True, required=True, help="Repeat for several roles.")
@click.option("--unit", "unit_code", default=None, help="Unit code (for unit staff).")
@click.password_option(help="At least 12 characters, not a common one (prompted when omitted).")
def users_add(
    username: str, full_name: str, roles: tuple[str, ...], unit_code: str | None, password: str
) -> None:
    """Add a user."""
    from engine.auth import service

    system = _system()
    try:
        with system.db.transaction() as session:
            service.create_user(
                session=session,
                username=username,
                password=password,
                full_name=full_name,
                roles=list(roles),
                unit_code=unit_code,
                now=clock.now(),
            )
    except EngineError as exc:
        _fail(exc)
    click.echo(f"user {username} added")


@users.command("reset-password")
@click.argument("username")
def users_reset_password(username: str) -> None:
    """Give USERNAME a new random password (printed once), to be changed at the next sign-in."""
    from engine.auth import service

    system = _system()
    try:
        with system.db.transaction() as session:
            password = service.reset_password(session=session, username=username, now=clock.now(), actor=None)
    except EngineError as exc:
        _fail(exc)
    click.echo(password)


@users.command("deactivate")
@click.argument("username")
def users_deactivate(username: str) -> None:
    """Lock USERNAME's account: its sessions and API tokens end at once."""
    from engine.auth import service

    system = _system()
    try:
        with system.db.transaction() as session:
            service.set_active(session=session, username=username, active=False, now=clock.now(), actor=None)
    except EngineError as exc:
        _fail(exc)
    click.echo(f"user {username} deactivated")


@users.command("token")
@click.argument("username")
@click.option("--label", default="cli")
def users_token(username: str, label: str) -> None:
    """Create an API token for USERNAME and print it (it is shown only once)."""
    from engine.auth import service

    system = _system()
    try:
        with system.db.transaction() as session:
            click.echo(service.create_token(session=session, username=username, label=label, now=clock.now()))
    except EngineError as exc:
        _fail(exc)


@main.group()
def directory() -> None:
    """The directory of units and users."""


@directory.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def directory_import(files: tuple[Path, ...]) -> None:
    """Add or update units and users from CSV or XLSX files; every row is checked first and nothing is
    written if any is wrong. New users get an initial password, printed once."""
    from zoneinfo import ZoneInfo

    from engine.directory import files as directory_files
    from engine.directory import service as directory_service
    from engine.directory.rows import InvalidDirectoryError

    parsed = directory_files.read_paths(files)
    system = _system()
    now = clock.now()
    try:
        with system.db.transaction() as session:
            result = directory_service.import_directory(
                session=session,
                parsed=parsed,
                today=now.astimezone(ZoneInfo(system.settings.timezone)).date(),
                now=now,
                actor="cli",
            )
    except InvalidDirectoryError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"không nhập gì: {len(exc.problems)} lỗi", err=True)
        sys.exit(1)
    except EngineError as exc:
        _fail(exc)
    click.echo(result.summary() if result.changed else f"không có gì thay đổi ({result.summary()})")
    if result.passwords:
        click.echo("mật khẩu ban đầu của người dùng mới (chỉ in một lần này):")
        for username, password in result.passwords.items():
            click.echo(f"  {username}\t{password}")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", default=None, help="The sheet to read [default: the first with a header row].")
@click.option(
    "--map", "mapping", multiple=True, metavar="FIELD=Header", help="A field's column over the guess; repeat."
)
@click.option("--valid-only", is_flag=True, help="Import the valid rows even when some rows are wrong.")
@click.option("--dry-run", is_flag=True, help="Check every row and print the report; write nothing.")
@click.option("--as", "username", default=None, metavar="USER", help="The importing VP specialist or admin.")
@click.option("--room", default=None, help="Phòng theo dõi of the rows that name none.")
@click.option("--specialist", default=None, help="Chuyên viên theo dõi of the rows that name none [--as].")
def import_sheet(
    file: Path,
    sheet: str | None,
    mapping: tuple[str, ...],
    valid_only: bool,
    dry_run: bool,
    username: str | None,
    room: str | None,
    specialist: str | None,
) -> None:
    """Import the tasks of a tracking sheet (.xlsx): every row is checked first, nothing is written unless
    the whole file is valid (or --valid-only), and a task already registered is skipped. Exit 1 when the
    file is refused."""
    import contextlib

    from engine.imports import service as imports

    @contextlib.contextmanager
    def progress(label: str, total: int):
        with click.progressbar(length=max(total, 1), label=label, file=sys.stderr) as bar:
            yield bar.update

    system = _system()
    try:
        if username is not None:
            with system.db.reading() as session:
                if problem := imports.importer_problem(session, username):
                    raise EngineError(problem)
        options = imports.Options(
            sheet=sheet,
            mapping=imports.parse_map(mapping),
            dry_run=dry_run,
            valid_only=valid_only,
            tracking_room=room,
            tracking_specialist=specialist,
        )
        actor = username or "cli"
        report = imports.run(
            system=system, path=file, file_name=file.name, options=options, actor=actor, phase=progress
        )
    except EngineError as exc:
        _fail(exc)
    for problem in report.checked.problems:
        click.echo(str(problem), err=True)
    for difference in report.checked.differences:
        click.echo(str(difference))
    for line in report.summary():
        click.echo(line)
    sys.exit(1 if report.refused else 0)


@main.group()
def units() -> None:
    """Directory administration: list, add, change and end units."""


def _today(system: System) -> date:
    from zoneinfo import ZoneInfo

    return clock.now().astimezone(ZoneInfo(system.settings.timezone)).date()


@units.command("list")
def units_list() -> None:
    """One line per unit: code, name, type, parent, active dates, successor."""
    from engine.directory import units as directory_units

    system = _system()
    with system.db.reading() as session:
        for u in directory_units.list_units(session=session):
            dates = f"{u.active_from or ''}..{u.active_to or ''}"
            click.echo(
                f"{u.code}\t{u.name}\t{u.unit_type}\t{u.parent_code or ''}\t{dates}\t{u.successor_code or ''}"
            )


@units.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--type", "unit_type", required=True, help="Loại đơn vị")
@click.option("--parent", default=None, help="Mã đơn vị cấp trên")
@click.option("--active-from", type=click.DateTime(["%Y-%m-%d"]), default=None)
def units_add(code: str, name: str, unit_type: str, parent: str | None, active_from: datetime | None) -> None:
    """Add a unit (the import's rules apply)."""
    from engine.directory import units as directory_units

    system = _system()
    try:
        with system.db.transaction() as session:
            unit = directory_units.create(
                session=session,
                code=code,
                name=name,
                unit_type=unit_type,
                parent_code=parent,
                active_from=active_from.date() if active_from else None,
                actor="cli",
                today=_today(system),
                now=clock.now(),
            )
            click.echo(f"đã thêm {unit.code}: {unit.name}")
    except EngineError as exc:
        _fail(exc)


@units.command("set")
@click.argument("code")
@click.option("--name", default=None)
@click.option("--type", "unit_type", default=None)
@click.option("--parent", default=None, help='Mã đơn vị cấp trên ("" để bỏ)')
def units_set(code: str, name: str | None, unit_type: str | None, parent: str | None) -> None:
    """Rename a unit or change its type or parent."""
    from engine.directory import units as directory_units

    given = {"name": name, "unit_type": unit_type, "parent_code": parent}
    values = {k: v for k, v in given.items() if v is not None}
    system = _system()
    try:
        with system.db.transaction() as session:
            unit = directory_units.update(
                session=session, code=code, values=values, actor="cli", today=_today(system), now=clock.now()
            )
            click.echo(f"đã lưu {unit.code}: {unit.name}")
    except EngineError as exc:
        _fail(exc)


@units.command("end")
@click.argument("code")
@click.argument("last_day", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--successor", required=True, help="Mã đơn vị kế thừa")
def units_end(code: str, last_day: datetime, successor: str) -> None:
    """End a unit after LAST_DAY; its open assignments go to the successor."""
    from engine.directory import succession

    system = _system()
    try:
        with system.db.transaction() as session:
            ending = succession.end_unit(
                session=session,
                engine=system.engine,
                code=code,
                last_day=last_day.date(),
                successor_code=successor,
                actor="cli",
                now=clock.now(),
                today=_today(system),
            )
            click.echo(
                f"{ending.unit.code} kết thúc ngày {last_day.date().isoformat()}; "
                f"{ending.successor.code} nhận {ending.handed_over}"
            )
    except EngineError as exc:
        _fail(exc)


def _calendar():
    from engine.workdays import service

    system = _system()
    with system.db.reading() as session:
        return service.calendar(session=session, settings=system.settings)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _instant(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"expected an ISO instant, got {text!r}") from None
    if at.tzinfo is None:
        raise click.BadParameter(f"give a time zone, e.g. {text}+07:00 or {text}Z")
    return at


def _bpmn_files(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.bpmn")) if path.is_dir() else [path])
    return files
