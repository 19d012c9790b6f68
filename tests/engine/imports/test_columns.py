"""Finding the table in a sheet: the header row under the heading, each field's column guessed from titles
written as offices write them, the row numbering the columns left out."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from engine.errors import ValidationError
from engine.imports import columns, reader
from engine.sheets import cell_day, cell_text
from tests.engine.imports.sheets import FIRST_ROW, HEADER, tracking_sheet


def test_titles_are_recognised_without_case_diacritics_spaces_or_punctuation():
    titles = [
        "stt",
        "SO KY HIEU",
        "ngay ban hanh",
        "Trích yếu nội dung",
        "Nội dung nhiệm vụ được giao năm 2024",
        "Đơn vị thực hiện",
        "Cơ quan, đơn vị phối hợp",
        "Thời hạn",
        "Ghi chú",
    ]

    assert columns.guess(titles) == {
        "number": 1,
        "issued_on": 2,
        "title": 3,
        "content": 4,
        "lead_unit": 5,
        "coordinating_units": 6,
        "due_date": 7,
    }


def test_a_short_title_claims_only_itself_and_no_longer_one():
    # "Số" is the number, "Số thứ tự" (STT) is not; "Hạn" is the deadline, "Hạn hoàn thành" too.
    assert columns.guess(["Số thứ tự", "Số", "Hạn"]) == {"number": 1, "due_date": 2}
    assert columns.guess(["Hạn hoàn thành", "Ngày hoàn thành"]) == {"due_date": 0, "completed_on": 1}


def test_the_leader_who_gave_the_task_is_preferred_to_the_signer_when_both_are_there():
    assert columns.guess(["Người ký", "Lãnh đạo giao nhiệm vụ"])["leader"] == 1
    assert columns.guess(["Người ký", "Nội dung"])["leader"] == 0


def test_a_field_is_named_by_its_key_or_its_label_and_a_column_by_title_or_letter():
    assert columns.field_named("lead_unit").label == "Đơn vị chủ trì"
    assert columns.field_named("don vi chu tri").key == "lead_unit"
    assert columns.field_named("Ngày hết hạn") is None
    titles = ["STT", "Việc được giao", "Cơ quan chủ trì"]
    assert columns.column_index("viec duoc giao", titles) == 1
    assert columns.column_index("C", titles) == 2
    assert columns.column_index("Z", titles) is None


def test_the_header_row_is_found_under_the_heading_and_the_column_numbers_are_not_a_task(tmp_path):
    path = tracking_sheet(3).save(tmp_path / "bang.xlsx")

    where = reader.layout(path)
    rows = list(reader.data_rows(path, where))

    assert (where.sheet, where.header_row, where.titles) == (
        "Theo dõi nhiệm vụ",
        FIRST_ROW - 2,
        tuple(HEADER),
    )
    assert [number for number, _ in rows] == [FIRST_ROW, FIRST_ROW + 1, FIRST_ROW + 2]


def test_cells_are_read_as_people_typed_them():
    assert cell_text(101.0) == "101"
    assert cell_text(datetime(2024, 3, 5)) == "05/03/2024"
    assert cell_text("  Sở Tài chính ") == "Sở Tài chính"
    assert (
        cell_day("5/3/2024") == cell_day("2024-03-05") == cell_day(datetime(2024, 3, 5)) == date(2024, 3, 5)
    )
    for wrong in ("31/02/2024", "5/3/24", "ngày 5 tháng 3"):
        try:
            cell_day(wrong)
        except ValueError:
            continue
        raise AssertionError(f"{wrong!r} was read as a date")


def test_the_first_sheet_with_a_table_is_read_unless_one_is_named(tmp_path):
    book = Workbook()
    book.active.title = "Hướng dẫn"
    book.active.append(["Ghi các nhiệm vụ vào trang tính bên cạnh"])
    for title in ("Năm 2023", "Năm 2024"):
        book.create_sheet(title).append(HEADER)
    path = tmp_path / "bang.xlsx"
    book.save(path)

    assert reader.layout(path).sheet == "Năm 2023"
    assert reader.layout(path, "Năm 2024").sheets == ("Hướng dẫn", "Năm 2023", "Năm 2024")
    assert reader.layout(path, "Hướng dẫn").titles == ()
    with pytest.raises(ValidationError, match="Tệp không có trang tính “Năm 2025”"):
        reader.layout(path, "Năm 2025")
