"""Công khai kết quả (Đ19.2): the published figures for anyone, signed in or not (session.PUBLIC_ENDPOINTS).

Each publication has its own address, whose content never changes: /cong-khai/<id> (table, chart, notices
of corrections), its open data /cong-khai/<id>.csv and .json (any origin may fetch them), and the view
other sites embed, /cong-khai/<id>/nhung (table and chart only; the one page that may be framed, by the
origins of THEODOI_PUBLIC_EMBED_ORIGINS). /cong-khai shows the newest round's publication in force.

VP's leadership also finds here, on the publication in force, "Đính chính số liệu công khai": a staff page
that shows what recomputing the round now would change, unit by unit, and publishes the correction with
its reason (engine.reports.publication_corrections)."""

from __future__ import annotations

from flask import Response, flash, g, jsonify, redirect, render_template, request, url_for
from markupsafe import escape

from engine import clock
from engine.errors import ConflictError, ValidationError
from engine.reports import buckets, chart, layout, opendata, publication, workbook
from engine.reports import publication_corrections as corrections
from engine.reports.models import Publication
from engine.reports.publication_views import present
from engine.search.fold import fold
from engine.web import security
from engine.web.api import reading, system, transaction
from engine.web.pages.common import bp, full_names, me, require


@bp.get("/cong-khai")
@bp.get("/cong-khai/<int:publication_id>")
def public_results(publication_id: int | None = None):
    """The newest round's publication in force, or the publication asked for, with every round's."""
    with reading() as session:
        current = publication.current_publications(session)
        if publication_id is not None:
            chosen = publication.get_or_raise(session, publication_id)
        else:
            chosen = current[0] if current else None
        shown = _shown(session, chosen) if chosen else {}
        versions = publication.publications_of(session, chosen.round_id) if chosen else []
        return render_template(
            "public_results.html",
            current=current,
            versions=versions,
            embed_code=_embed_code(chosen) if chosen else "",
            **shown,
        )


@bp.get("/cong-khai/<int:publication_id>.csv")
def public_results_csv(publication_id: int):
    """Open data: the publication's rows as CSV (UTF-8 with BOM, Vietnamese headers, fixed columns)."""
    with reading() as session:
        row = publication.get_or_raise(session, publication_id)
        body = opendata.csv_text(row)
        name = _file_name(row, "csv")
    headers = {"Content-Disposition": workbook.attachment(name)}
    return _open_to_all(Response(body, content_type=opendata.CSV_TYPE, headers=headers))


@bp.get("/cong-khai/<int:publication_id>.json")
def public_results_json(publication_id: int):
    """Open data: the publication as JSON, machine keys and metadata (label, window, corrections, sha256)."""
    with reading() as session:
        body = present(session, publication.get_or_raise(session, publication_id))
    return _open_to_all(jsonify(body))


@bp.get("/cong-khai/<int:publication_id>/nhung")
def public_results_embed(publication_id: int):
    """The table and the chart alone, without menu, for a portal's frame (<iframe src=".../nhung">)."""
    with reading() as session:
        shown = _shown(session, publication.get_or_raise(session, publication_id))
        page = render_template("public_results_embed.html", **shown)
    return security.allow_framing(Response(page), system().settings.public_embed_origins)


@bp.get("/cong-khai/<int:publication_id>/dinh-chinh")
def correction_form(publication_id: int):
    """Đính chính số liệu công khai, step 1: the differences per unit between the publication in force and
    the round recomputed now, and the reason to give."""
    require(corrections.CORRECTORS)
    return _correction_page(publication_id)


@bp.post("/cong-khai/<int:publication_id>/dinh-chinh")
def correct_publication(publication_id: int):
    """Step 2: publish the correction of the previewed figures (their fingerprint comes back with the
    form), or show the preview again with why not (422: no reason, nothing differs; 409: changed since)."""
    require(corrections.CORRECTORS)
    reason = request.form.get("reason", "")
    try:
        with transaction() as session:
            row = publication.get_or_raise(session, publication_id)
            made = corrections.correct(
                session=session,
                settings=system().settings,
                round_id=row.round_id,
                reason=reason,
                actor=me().username,
                now=clock.now(),
                base_id=row.id,
                sha256=request.form.get("sha256") or None,
            )
            new_id, number, corrected = made.id, made.number, row.number
    except ValidationError as exc:
        return _correction_page(publication_id, reason=reason, errors=exc.fields, code=422)
    except ConflictError as exc:
        flash(exc.message, "error")
        return _correction_page(publication_id, reason=reason, code=409)
    flash(f"Đã công khai bản số {number}, đính chính bản số {corrected}.", "success")
    return redirect(url_for("pages.public_results", publication_id=new_id))


def _correction_page(publication_id: int, *, reason: str = "", errors: dict | None = None, code: int = 200):
    """The preview against the publication in force; from an older one, the way to the newest."""
    with reading() as session:
        row = publication.get_or_raise(session, publication_id)
        seen = corrections.preview(session=session, settings=system().settings, round_id=row.round_id)
        if seen.base.id != row.id:
            newest = seen.base.number
            flash(f"Bản số {row.number} đã được đính chính; số liệu được so với bản số {newest}.", "info")
            return redirect(url_for("pages.correction_form", publication_id=seen.base.id))
        page = render_template(
            "public_results_correction.html",
            seen=seen,
            people=full_names(session, {seen.base.published_by}),
            rate_keys=buckets.RATE_KEYS,
            reason=reason,
            errors=errors or {},
            max_reason=corrections.MAX_REASON,
        )
    return page, code


def _shown(session, chosen: Publication) -> dict:
    """What the page and the embedded view show of a publication: its figures, chart and notices."""
    corrects, corrected_by = publication.neighbours(session, chosen)
    rows = chosen.figures
    principal = g.get("principal")
    return {
        "chosen": chosen,
        "corrects": corrects,
        "corrected_by": corrected_by,
        "rows": rows,
        "total": buckets.totals(rows) if rows else None,
        "columns": layout.summary_columns(),
        "heading": layout.title(chosen.as_of, chosen.window_from),
        "chart": chart.unit_bars(rows, ident=f"bieu-do-{chosen.id}") if rows else None,
        "legend": chart.legend(),
        "can_correct": principal is not None
        and principal.in_any(tuple(corrections.CORRECTORS))
        and corrected_by is None,
    }


def _embed_code(chosen: Publication) -> str:
    """The <iframe> a portal's editor pastes to show the embeddable view."""
    url = url_for("pages.public_results_embed", publication_id=chosen.id, _external=True)
    title = escape(chosen.label)
    return f'<iframe src="{url}" title="{title}" width="100%" height="900" style="border:0"></iframe>'


def _file_name(row: Publication, extension: str) -> str:
    """e.g. bao-cao-quy-iii-va-9-thang-nam-2026-ban-so-1.csv"""
    return f"{fold(row.label)} ban so {row.number}.{extension}"  # workbook.attachment makes it a-z0-9-


def _open_to_all(response: Response) -> Response:
    """Open data: any site's script may fetch it (Đ19.2 publishes it to everyone; no cookie is read)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
