"""Reading directory files: CSV in either separator, with or without BOM, XLSX sheets, English and
Vietnamese headers, dates, and what cannot be read, each located by file, sheet and row."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest

from engine.directory.files import read
from engine.directory.rows import Source, UnitRow, UserRow
from tests.engine.directory.conftest import xlsx

BOM = "\ufeff"


def test_csv_with_bom_semicolons_and_the_headers_an_office_types():
    text = (
        f"{BOM} MÃ ĐƠN VỊ ;tên  đơn vị;Loại đơn vị;Đơn vị cấp trên;Hoạt động từ ngày;HOẠT ĐỘNG ĐẾN NGÀY\r\n"
        "UBND_TINH;Ủy ban nhân dân tỉnh;UBND tỉnh;;;\r\n"
        "SO_TC;Sở Tài chính;Sở, ban, ngành;UBND_TINH;1/7/2025;2030-12-31\r\n"
    )
    parsed = read("donvi.csv", text.encode("utf-8"))
    assert parsed.problems == []
    assert parsed.users == []
    assert parsed.units == [
        UnitRow(Source("donvi.csv", "", 2), "UBND_TINH", "Ủy ban nhân dân tỉnh", "UBND tỉnh"),
        UnitRow(
            Source("donvi.csv", "", 3),
            "SO_TC",
            "Sở Tài chính",
            "Sở, ban, ngành",
            parent_code="UBND_TINH",
            active_from=date(2025, 7, 1),
            active_to=date(2030, 12, 31),
        ),
    ]


def test_csv_with_commas_english_headers_and_several_roles():
    text = (
        "username,full_name,roles,unit,email\n"
        'sotc.daumoi,Đỗ Thị Tài Chính,"unit_staff, unit_leader;unit_staff",SO_TC,vt@sotc.gov.vn\n'
        "\n"
        "ct,Vũ Đức Chủ Tịch,province_leadership,,\n"
    )
    parsed = read("nguoidung.csv", text.encode())
    assert parsed.problems == []
    assert parsed.users == [
        UserRow(
            Source("nguoidung.csv", "", 2),
            "sotc.daumoi",
            "Đỗ Thị Tài Chính",
            ("unit_staff", "unit_leader"),
            unit_code="SO_TC",
            email="vt@sotc.gov.vn",
        ),
        UserRow(Source("nguoidung.csv", "", 4), "ct", "Vũ Đức Chủ Tịch", ("province_leadership",)),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "Tên đăng nhập;Họ và tên;Vai trò;Đơn vị;Thư điện tử",
        unicodedata.normalize("NFD", "Tên đăng nhập;Họ và tên;Vai trò;Đơn vị;Thư điện tử"),  # decomposed
        "TEN DANG NHAP;Ho va ten;vai tro;don vi;Thu dien tu",  # typed without Vietnamese input
        "Username;Full Name;ROLES;Unit;E-mail",
    ],
)
def test_user_headers_are_read_without_case_spaces_or_diacritics(header):
    parsed = read("u.csv", f"{header}\nan;An;monitor;VP_UBND;an@laocai.gov.vn\n".encode())
    assert parsed.problems == []
    assert parsed.users == [
        UserRow(
            Source("u.csv", "", 2), "an", "An", ("monitor",), unit_code="VP_UBND", email="an@laocai.gov.vn"
        )
    ]


def test_columns_left_out_are_not_given_so_the_import_keeps_their_stored_value():
    [unit] = read("d.csv", b"code,name,type\nSO_TC,S\xe1\xbb\x9f T\xc3\xa0i ch\xc3\xadnh,S\n").units
    assert unit.given == {"code", "name", "unit_type"}
    [user] = read("u.csv", b"username,full_name,roles,STT\nan,An,admin,1\n").users
    assert user.given == {"username", "full_name", "roles"}  # STT is the office's own numbering


def test_an_xlsx_holds_a_sheet_of_units_and_one_of_users_with_date_cells_and_numeric_codes():
    data = xlsx(
        {
            "Đơn vị": [
                ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Hoạt động từ ngày", "Hoạt động đến ngày"],
                [101, "UBND xã Bát Xát", "UBND cấp xã/phường", datetime(2025, 7, 1), "30/06/2030"],
                [],
                ["SO_TC", "Sở Tài chính", "Sở, ban, ngành", None, None],
            ],
            "Người dùng": [
                ["Tên đăng nhập", "Họ và tên", "Vai trò", "Đơn vị"],
                ["xa", "Lò Văn Xã", "unit_staff", 101],
            ],
            "Sheet": [],
        }
    )
    parsed = read("donvi.xlsx", data)
    assert parsed.problems == []
    assert [(u.where, u.code, u.active_from, u.active_to) for u in parsed.units] == [
        (Source("donvi.xlsx", "Đơn vị", 2), "101", date(2025, 7, 1), date(2030, 6, 30)),
        (Source("donvi.xlsx", "Đơn vị", 4), "SO_TC", None, None),
    ]
    assert [(u.where, u.username, u.unit_code) for u in parsed.users] == [
        (Source("donvi.xlsx", "Người dùng", 2), "xa", "101")
    ]
    assert str(parsed.users[0].where) == "donvi.xlsx[Người dùng]:2"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "a.csv",
            "STT;Tên;Ghi chú\n1;x;\n".encode(),
            "a.csv:1: không nhận ra bảng: dòng tiêu đề cần có cột Mã đơn vị (bảng đơn vị) "
            "hoặc Tên đăng nhập (bảng người dùng)",
        ),
        (
            "a.csv",
            "Mã đơn vị;Tên đơn vị;Loại đơn vị;Cấp trên;Ghi chú\n".encode(),
            'a.csv:1: không hiểu cột "Cấp trên"; các cột được nhận: Mã đơn vị, Tên đơn vị, Loại đơn vị, '
            "Đơn vị cấp trên, Hoạt động từ ngày, Hoạt động đến ngày",
        ),
        ("a.csv", "Tên đăng nhập;Họ và tên\nan;An\n".encode(), "a.csv:1: thiếu cột Vai trò"),
        ("a.csv", "code;name;type;Mã đơn vị\n".encode(), 'a.csv:1: cột Mã đơn vị có hai lần ("Mã đơn vị")'),
        (
            "a.csv",
            b"code;name;type;active_from\nX;Y;Z;31/02/2025\n",
            'a.csv:2: Hoạt động từ ngày "31/02/2025" không phải ngày hợp lệ (dd/mm/yyyy)',
        ),
        (
            "a.csv",
            "code,name,type\nX,Y,Z\nSO_TC,Sở Tài chính,Sở, ban, ngành\n".encode(),
            "a.csv:3: dòng có nhiều ô hơn dòng tiêu đề (giá trị có dấu phẩy cần đặt trong ngoặc kép)",
        ),
        (
            "a.csv",
            "code;name;type\nX;Tài chính;Z\n".encode("cp1252"),  # Excel's "CSV" on a Western Windows
            "a.csv:1: tệp không phải UTF-8: trong Excel hãy lưu dạng CSV UTF-8",
        ),
        ("a.csv", b"code;name;;type\nX;Y;?;Z\n", "a.csv:2: có giá trị ở cột không có tiêu đề"),
        (
            "b.xlsx",
            xlsx({"Đơn vị": [["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"], ["X", "Y", "Z", "lạc cột"]]}),
            "b.xlsx[Đơn vị]:2: có giá trị ở cột không có tiêu đề",
        ),
        ("a.xls", b"\xd0\xcf\x11\xe0", "a.xls:1: chỉ đọc được tệp .csv (UTF-8) hoặc .xlsx"),
        ("a.xlsx", b"code;name;type\n", "a.xlsx:1: không đọc được tệp Excel (.xlsx): File is not a zip file"),
        ("a.csv", b"", "a.csv:1: tệp không có dữ liệu"),
        (
            "b.xlsx",
            xlsx({"Đơn vị": [["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"]], "Hướng dẫn": [["Điền từ dòng 2"]]}),
            "b.xlsx[Hướng dẫn]:1: không nhận ra bảng: dòng tiêu đề cần có cột Mã đơn vị (bảng đơn vị) "
            "hoặc Tên đăng nhập (bảng người dùng)",
        ),
    ],
)
def test_what_cannot_be_read_is_named_by_file_sheet_and_row(name, data, expected):
    parsed = read(name, data)
    assert [str(p) for p in parsed.problems] == [expected]
