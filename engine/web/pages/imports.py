"""Nhập dữ liệu: the tracking sheets offices keep in Excel, in four steps. Upload the file; see the header
row found, a column chosen for each field (pre-filled by the guess) and the first rows as they will be read;
Kiểm tra every row, each problem with its row and column; Nhập dữ liệu, only when the whole file is valid or
"Chỉ nhập các dòng hợp lệ" is ticked. The file waits between the steps under a token (engine.imports.staging),
for the user who uploaded it only."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from sqlalchemy import select

from engine.errors import EngineError
from engine.files import kinds
from engine.files.http import MULTIPART_SLACK
from engine.imports import columns, reader, service, staging
from engine.imports.lookups import Directory
from engine.imports.models import STATUS_NAMES, DataImport
from engine.imports.views import IMPORTERS
from engine.web.api import reading, system
from engine.web.errors import status_of
from engine.web.pages.common import bp, full_names, me, page_message, require

PREFIX = "/nhap-du-lieu"
RECENT = 10  # past imports listed on the upload page
SHOWN_PROBLEMS = 500  # problems a report page lists; the command line's --dry-run prints them all
NONE = ""  # the select's value for "no column"
# Preview columns of long text, given room to be read (the table scrolls sideways rather than squeeze them).
WIDE = frozenset({"title", "leader", "content", "lead_unit", "coordinating_units", "situation"})


@bp.before_app_request
def _upload_limit() -> None:
    """The upload may be as large as a file may be (FILES_MAX_BYTES), not only as large as the app's
    default body: raised before the login guard reads the form for its CSRF token."""
    if request.endpoint == "pages.import_upload" and request.method == "POST":
        request.max_content_length = system().settings.files_max_bytes + MULTIPART_SLACK


@bp.get(PREFIX)
def import_start():
    """The upload form, and the last imports."""
    require(IMPORTERS)
    return _start_page()


@bp.post(PREFIX)
def import_upload():
    """Receive the sheet, keep it under a token, and go on to the mapping (or say why it is refused)."""
    require(IMPORTERS)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _start_page(error="Chọn tệp Excel (.xlsx) để tải lên."), 400
    settings = system().settings
    try:
        received = staging.receive(upload.stream, filename=upload.filename, settings=settings)
        staged = staging.keep(received, username=me().username, settings=settings)
        try:
            reader.layout(staged.path)  # a file openpyxl cannot open is refused here, not at the next step
        except EngineError:
            staging.discard(staged)
            raise
    except EngineError as exc:
        return _start_page(error=page_message(exc)), status_of(exc)
    return redirect(url_for("pages.import_mapping", token=staged.token))


@bp.route(PREFIX + "/<token>", methods=["GET", "POST"])
def import_mapping(token: str):
    """The header row found, a column per field, the room and specialist, and the first rows as read."""
    require(IMPORTERS)
    staged = _staged(token)
    options = _options()
    where = reader.layout(staged.path, options.sheet)
    mapping, checked, rows = service.preview(
        system=system(), path=staged.path, where=where, options=options, actor=me().username
    )
    return render_template(
        "import_mapping.html",
        staged=staged,
        where=where,
        mapping=mapping,
        rows=rows,
        file_problems=checked.file_problems,
        column_label=columns.column_name,
        wide=WIDE,
        **_choices(options),
    )


@bp.post(PREFIX + "/<token>/kiem-tra")
def import_check(token: str):
    """Kiểm tra: every row checked, nothing written; the problems found are the page's answer (200)."""
    require(IMPORTERS)
    staged = _staged(token)
    return _report_page(staged, _run(staged, _options(dry_run=True)))


@bp.post(PREFIX + "/<token>/nhap")
def import_commit(token: str):
    """Nhập dữ liệu: written when the file is valid, or its valid rows when the user ticked so."""
    require(IMPORTERS)
    staged = _staged(token)
    report = _run(staged, _options(valid_only=request.form.get("valid_only") == "1"))
    if report.written is None:
        return _report_page(staged, report), 422
    staging.discard(staged)
    return _report_page(None, report)


def _run(staged: staging.Staged, options: service.Options):
    return service.run(
        system=system(), path=staged.path, file_name=staged.name, options=options, actor=me().username
    )


def _staged(token: str) -> staging.Staged:
    return staging.get(token, username=me().username, settings=system().settings)


def _options(**flags) -> service.Options:
    """The user's choices in the form: the sheet, a column per field (its index, or none), the defaults."""
    form = request.form
    mapping: dict[str, str | int] = {}
    # Columns chosen on another sheet name nothing on this one: a new sheet starts from its own guess.
    same_sheet = form.get("sheet") == form.get("shown_sheet")
    for field in columns.FIELDS if same_sheet else ():
        chosen = form.get(f"col_{field.key}")
        if chosen is None:
            continue
        mapping[field.key] = int(chosen) if chosen.isdigit() and len(chosen) <= 3 else NONE
    return service.Options(
        sheet=form.get("sheet") or None,
        mapping=mapping,
        tracking_room=form.get("tracking_room") or None,
        tracking_specialist=form.get("tracking_specialist") or None,
        **flags,
    )


def _choices(options: service.Options) -> dict:
    """The fields, rooms and specialists the mapping form offers, and what is chosen."""
    settings = system().settings
    with reading() as session:
        directory = Directory(session, service.today_of(settings))
        rooms = sorted(n for n in directory.rooms.values() if directory.room(n)[1] is None)
        specialists = sorted(directory.full_names.items(), key=lambda item: item[1])
    me_specialist = me().username if me().username in directory.full_names else None
    return {
        "fields": columns.FIELDS,
        "rooms": rooms,
        "room": options.tracking_room or directory.first_room(),
        "specialists": specialists,
        "specialist": options.tracking_specialist or me_specialist,
    }


def _report_page(staged: staging.Staged | None, report):
    """The check or the import's report; `staged` while the file can still be imported."""
    return render_template(
        "import_report.html",
        staged=staged,
        report=report,
        counts=report.counts(),
        field_labels={f.key: f.label for f in columns.FIELDS},
        chosen=request.form,
        shown_problems=SHOWN_PROBLEMS,
    )


def _start_page(error: str | None = None) -> str:
    with reading() as session:
        recent = list(session.scalars(select(DataImport).order_by(DataImport.id.desc()).limit(RECENT)))
        people = full_names(session, {r.imported_by for r in recent})
    return render_template(
        "import_start.html",
        error=error,
        recent=recent,
        people=people,
        status_names=STATUS_NAMES,
        max_size=kinds.format_size(system().settings.files_max_bytes),
        fields=columns.FIELDS,
    )
