"""What an import tells its user: the table found, the columns used, every problem with its row, the
tasks already registered, and what was written, in the command line's lines, the page, or JSON."""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import ValidationError
from engine.imports import columns
from engine.imports.apply import Written
from engine.imports.reader import Layout
from engine.imports.validate import Checked

# What the report's JSON holds; the OpenAPI document shows it (engine.imports.views).
PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "row": {"type": ["integer", "null"], "description": "số dòng trong trang tính; null: cả tệp"},
        "field": {"type": ["string", "null"]},
        "column": {"type": ["string", "null"], "description": "cột, ví dụ “E — Đơn vị chủ trì”"},
        "message": {"type": "string"},
    },
}
SCHEMA = {
    "type": "object",
    "required": [
        "file_name",
        "sheet",
        "header_row",
        "mapping",
        "rows_read",
        "rows_bad",
        "problems",
        "status",
    ],
    "properties": {
        "file_name": {"type": "string"},
        "sha256": {"type": "string"},
        "sheet": {"type": "string"},
        "header_row": {"type": "integer"},
        "mapping": {"type": "object", "description": "trường -> tiêu đề cột đã dùng"},
        "rows_read": {"type": "integer"},
        "rows_new": {"type": "integer", "description": "dòng hợp lệ chưa có trong hệ thống"},
        "rows_open": {"type": "integer"},
        "rows_done": {"type": "integer"},
        "rows_existing": {"type": "integer", "description": "dòng đã có trong hệ thống, bỏ qua"},
        "rows_bad": {"type": "integer"},
        "documents_new": {"type": "integer"},
        "problems": {"type": "array", "items": PROBLEM_SCHEMA},
        "differences": {"type": "array", "items": {"type": "object"}},
        "dry_run": {"type": "boolean"},
        "valid_only": {"type": "boolean"},
        "status": {"type": "string", "enum": ["checked", "refused", "imported"]},
        "import_id": {"type": ["integer", "null"]},
        "rows_written": {"type": "integer"},
        "documents_created": {"type": "integer"},
        "processes_started": {"type": "integer"},
        "summary": {"type": "array", "items": {"type": "string"}},
    },
}


def number(n: int) -> str:
    """14.068: thousands as Vietnamese writes them."""
    return f"{n:,}".replace(",", ".")


@dataclass
class Report:
    """One import's outcome."""

    file_name: str
    sha256: str
    layout: Layout
    mapping: dict[str, int]
    checked: Checked
    dry_run: bool
    valid_only: bool
    seconds_checking: float = 0.0
    seconds_writing: float = 0.0
    import_id: int | None = None
    written: Written | None = None

    @property
    def ok(self) -> bool:
        """Every row valid: nothing to fix."""
        return not self.checked.problems

    @property
    def refused(self) -> bool:
        """Nothing may be written: a problem of the whole file, or a bad row without "only the valid rows"."""
        return bool(self.checked.file_problems) or (bool(self.checked.problems) and not self.valid_only)

    @property
    def status(self) -> str:
        """checked (a dry run), refused (nothing written) or imported."""
        if self.written is not None:
            return "imported"
        return "checked" if self.dry_run else "refused"

    def mapping_titles(self) -> dict[str, str]:
        """{field: the column it was read from, as the page names it}."""
        titles = self.layout.titles
        return {
            key: columns.column_name(i, titles[i] if i < len(titles) else "")
            for key, i in sorted(self.mapping.items(), key=lambda item: item[1])
        }

    def counts(self) -> dict[str, int]:
        """The rows read, new (open, done), already registered and bad; the new documents."""
        new = self.checked.new_tasks
        return {
            "rows_read": self.checked.rows_read,
            "rows_new": len(new),
            "rows_open": sum(1 for t in new if not t.done),
            "rows_done": sum(1 for t in new if t.done),
            "rows_existing": self.checked.rows_existing,
            "rows_bad": len(self.checked.bad_rows),
            "documents_new": sum(1 for p in self.checked.plans if p.existing_id is None),
        }

    def summary(self) -> list[str]:
        """The report in sentences, as the command line prints it and the page heads it."""
        c = self.counts()
        lines = [
            f"Tệp {self.file_name}, trang tính “{self.layout.sheet}”, dòng tiêu đề {self.layout.header_row}: "
            f"đọc {number(c['rows_read'])} dòng."
        ]
        if c["rows_new"]:
            lines.append(
                f"{number(c['rows_new'])} nhiệm vụ mới ({number(c['rows_open'])} đang thực hiện, "
                f"{number(c['rows_done'])} đã hoàn thành) của {number(len(self.checked.plans))} văn bản "
                f"({number(c['documents_new'])} văn bản mới)."
            )
        if c["rows_existing"]:
            line = f"{number(c['rows_existing'])} dòng đã có, bỏ qua."
            if self.checked.differences:
                line += (
                    f" Trong đó {number(len(self.checked.differences))} dòng khác với dữ liệu đã có: "
                    "không cập nhật, điều chỉnh bằng chức năng Điều chỉnh thông tin của nhiệm vụ."
                )
            lines.append(line)
        if c["rows_bad"] or self.checked.file_problems:
            lines.append(f"{number(c['rows_bad'])} dòng có lỗi.")
        lines.append(self._outcome(c))
        return lines

    def _outcome(self, c: dict[str, int]) -> str:
        if self.written is not None:
            w = self.written
            line = (
                f"Đã nhập {number(w.rows_written)} nhiệm vụ, {number(w.documents_created)} văn bản mới; "
                f"khởi tạo {number(w.processes_started)} quy trình theo dõi."
            )
            if w.rows_skipped:
                line += f" {number(w.rows_skipped)} nhiệm vụ vừa được nhập bởi người khác, bỏ qua."
            return line
        if self.dry_run:
            return "Chạy thử: chưa ghi gì."
        if self.checked.file_problems:
            return "Không nhập gì: tệp có lỗi chung, sửa rồi nhập lại."
        return (
            f"Không nhập gì vì có {number(c['rows_bad'])} dòng lỗi: sửa các dòng đó, "
            "hoặc chọn chỉ nhập các dòng hợp lệ."
        )

    def as_dict(self) -> dict:
        """The report as the API answers it (report.SCHEMA)."""
        written = self.written or Written()
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "sheet": self.layout.sheet,
            "header_row": self.layout.header_row,
            "mapping": self.mapping_titles(),
            **self.counts(),
            "problems": [p.as_dict() for p in self.checked.problems],
            "differences": [d.as_dict() for d in self.checked.differences],
            "dry_run": self.dry_run,
            "valid_only": self.valid_only,
            "status": self.status,
            "import_id": self.import_id,
            "rows_written": written.rows_written,
            "documents_created": written.documents_created,
            "processes_started": written.processes_started,
            "summary": self.summary(),
        }


class InvalidImportError(ValidationError):
    """A sheet refused: problems in the file, or in rows without the choice to import only the valid ones.
    Nothing was written; details carry every problem and the whole report."""

    code = "invalid_import"

    def __init__(self, report: Report) -> None:
        fields: dict[str, str] = {}
        for p in report.checked.problems:
            path = "file" if p.row is None else f"rows/{p.row}/{p.field or 'row'}"
            fields[path] = f"{fields[path]}; {p.message}" if path in fields else p.message
        bad = len(report.checked.bad_rows)
        what = f"{number(bad)} dòng có lỗi" if bad else "lỗi chung"
        super().__init__(f"Tệp {report.file_name} có {what}; không có dữ liệu nào được ghi", fields=fields)
        self.report = report
        self.details["problems"] = [p.as_dict() for p in report.checked.problems]
        self.details["report"] = report.as_dict()
