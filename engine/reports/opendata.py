"""Open data of a publication (Công khai kết quả, Đ19.2): its figures as CSV and as JSON, for a portal or
anyone who wants to reuse them. Pure: publications in, text and dicts out.

The CSV is UTF-8 with a byte-order mark (without it Excel reads the diacritics as Latin-1), comma-separated
(RFC 4180), one row per unit and no totals row (a total among the units would be counted twice by whoever
sums a column), numbers as a program reads them (14068, 98.62; empty: no value). Its columns keep one order
for every publication: the unit, then the counts and the rates of the frozen rows (buckets.COUNT_KEYS,
RATE_KEYS), titled as the table titles them."""

from __future__ import annotations

import csv
import io

from engine.reports import buckets, layout
from engine.reports.models import Publication

BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"


def _titles() -> dict[str, str]:
    """Machine key -> Vietnamese header: "Đã hoàn thành: Đúng hạn" as the table's two header rows read."""
    titles = {"unit_code": "Mã đơn vị", "unit_name": layout.UNIT_HEADING}
    for column in layout.summary_columns():
        if column.kind in ("count", "rate"):
            titles[column.key] = f"{column.group}: {column.title}" if column.group else column.title
    titles["come_due"] = "Số nhiệm vụ đã đến hạn"  # not a column of the table; its notes define it
    return titles


TITLES = _titles()
KEYS = ("unit_code", "unit_name", *buckets.COUNT_KEYS, *buckets.RATE_KEYS)
COLUMNS = [(key, TITLES[key]) for key in KEYS]


def csv_text(publication: Publication) -> str:
    """The publication's rows as CSV text, starting with the BOM."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([title for _, title in COLUMNS])
    for row in publication.figures:
        writer.writerow(["" if row.get(key) is None else row[key] for key, _ in COLUMNS])
    return out.getvalue()


def reference(publication: Publication | None) -> dict | None:
    """How one publication names another: its id and its number within the round."""
    return {"id": publication.id, "number": publication.number} if publication else None


def document(
    publication: Publication, *, corrects: Publication | None, corrected_by: Publication | None
) -> dict:
    """The JSON of a publication: its metadata, the columns (key and Vietnamese title), the rows with
    machine keys (exactly as hashed: `sha256` is figures_sha256 of `figures`) and their totals."""
    rows = publication.figures
    return {
        "id": publication.id,
        "round_id": publication.round_id,
        "number": publication.number,
        "label": publication.label,
        "window_from": publication.window_from.isoformat(),
        "window_to": publication.window_to.isoformat(),
        "as_of": publication.as_of.isoformat(),
        "published_at": publication.published_at.isoformat(),
        "corrects": reference(corrects),
        "correction_note": publication.correction_note,
        "corrected_by": reference(corrected_by),
        "sha256": publication.sha256,
        "columns": [{"key": key, "title": title} for key, title in COLUMNS],
        "figures": rows,
        "total": buckets.totals(rows) if rows else None,
    }
