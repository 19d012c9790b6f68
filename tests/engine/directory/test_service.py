"""Importing the directory: units and users added, updated, never deleted; a second import changes
nothing; any bad row anywhere means every problem is listed and nothing is written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine import history
from engine.auth import service as auth
from engine.auth.models import User
from engine.directory.models import Unit
from engine.directory.rows import InvalidDirectoryError
from engine.directory.service import Counts
from engine.history import ChangeRecord
from tests.engine.directory.conftest import xlsx

UNITS = "code;name;type;parent;active_from;active_to\n"
USERS = "username;full_name;roles;unit;email\n"
BASE_UNITS = (
    "donvi.csv",
    UNITS
    + "UBND_TINH;UBND tỉnh Lào Cai;UBND tỉnh;;;\n"
    + "VP_UBND;Văn phòng UBND tỉnh;Văn phòng UBND tỉnh;UBND_TINH;;\n"
    + "SO_TC;Sở Tài chính;Sở, ban, ngành;UBND_TINH;;\n"
    + "H_SA_PA;UBND thị xã Sa Pa;UBND huyện, thành phố;UBND_TINH;;31/12/2024\n",
)
BASE_USERS = (
    "nguoidung.xlsx",
    xlsx(
        {
            "Người dùng": [
                ["Tên đăng nhập", "Họ và tên", "Vai trò", "Đơn vị", "Thư điện tử"],
                ["cv", "Nguyễn Thị Theo Dõi", "vp_specialist", "VP_UBND", "theodoi@laocai.gov.vn"],
                ["sotc", "Đỗ Thị Tài Chính", "unit_staff; unit_leader", "SO_TC", None],
            ]
        }
    ),
)


def _users(session) -> dict[str, User]:
    return {u.username: u for u in session.scalars(select(User))}


@pytest.mark.postgres
def test_import_then_import_again_changes_nothing(system, load, counts, backend):
    first = load(BASE_UNITS, BASE_USERS)
    assert (first.units, first.users) == (Counts(added=4), Counts(added=2))
    assert (
        first.summary()
        == "đơn vị: 4 thêm mới, 0 cập nhật, 0 không đổi; người dùng: 2 thêm mới, 0 cập nhật, 0 không đổi"
    )
    assert sorted(first.passwords) == ["cv", "sotc"] and first.passwords["cv"] != first.passwords["sotc"]
    with system.db.reading() as session:
        units = {u.code: u for u in session.scalars(select(Unit))}
        assert units["SO_TC"].parent_code == "UBND_TINH" and units["UBND_TINH"].parent_code is None
        assert units["H_SA_PA"].active_to == date(2024, 12, 31)
        users = _users(session)
        assert (users["cv"].email, users["cv"].unit_code) == ("theodoi@laocai.gov.vn", "VP_UBND")
        assert users["sotc"].roles == ["unit_leader", "unit_staff"] and users["sotc"].email is None
        for username, password in first.passwords.items():
            assert (
                auth.authenticate(session=session, username=username, password=password).username == username
            )
        inserts = history.of(session, "units", "SO_TC")
        assert [(r.action, r.actor, r.changes["parent_code"]) for r in inserts] == [
            ("insert", "test", [None, "UBND_TINH"])
        ]
        hashes = {u.username: u.password_hash for u in users.values()}
    before = counts()

    second = load(BASE_UNITS, BASE_USERS)

    assert not second.changed and second.passwords == {}
    assert (second.units, second.users) == (Counts(unchanged=4), Counts(unchanged=2))
    assert counts() == before  # not one row more, in change_history either
    with system.db.reading() as session:
        assert {u.username: u.password_hash for u in _users(session).values()} == hashes


@pytest.mark.postgres
def test_a_changed_row_updates_the_unit_with_its_history_and_the_user_keeps_the_password(
    system, load, backend
):
    passwords = load(BASE_UNITS, BASE_USERS).passwords
    result = load(
        (
            "donvi.csv",
            # Only these columns: dates stay as stored. A new unit comes before its own new parent, and an
            # existing unit moves under a new one.
            "Mã đơn vị;Tên đơn vị;Loại đơn vị;Đơn vị cấp trên\n"
            "SO_TC;Sở Tài chính tỉnh Lào Cai;Sở, ban, ngành;UBND_TINH\n"
            "P_TONG_HOP;Phòng Tổng hợp;Phòng;KHOI_VP\n"
            "KHOI_VP;Khối Văn phòng;Khối;UBND_TINH\n"
            "VP_UBND;Văn phòng UBND tỉnh;Văn phòng UBND tỉnh;KHOI_VP\n",
        ),
        (
            "nguoidung.csv",
            "Tên đăng nhập,Họ và tên,Vai trò,Đơn vị\n"  # no e-mail column: e-mails stay as stored
            'cv,Nguyễn Thị Theo Dõi,"vp_specialist, monitor",VP_UBND\n'
            "sotc,Đỗ Thị Tài Chính,unit_leader,SO_TC\n",
        ),
    )
    assert (result.units, result.users) == (Counts(2, 2, 0), Counts(0, 2, 0))
    assert result.passwords == {}
    with system.db.reading() as session:
        units = {u.code: u for u in session.scalars(select(Unit))}
        assert units["SO_TC"].name == "Sở Tài chính tỉnh Lào Cai"
        assert units["VP_UBND"].parent_code == "KHOI_VP" and units["P_TONG_HOP"].parent_code == "KHOI_VP"
        assert units["H_SA_PA"].active_to == date(2024, 12, 31)  # not in the file: untouched
        [insert, update] = history.of(session, "units", "SO_TC")
        assert (update.action, update.actor) == ("update", "test")
        assert update.changes == {"name": ["Sở Tài chính", "Sở Tài chính tỉnh Lào Cai"]}
        assert history.of(session, "units", "VP_UBND")[-1].changes == {
            "parent_code": ["UBND_TINH", "KHOI_VP"]
        }
        users = _users(session)
        assert users["cv"].roles == ["monitor", "vp_specialist"]
        assert users["cv"].email == "theodoi@laocai.gov.vn"
        assert users["sotc"].roles == ["unit_leader"]
        assert auth.authenticate(session=session, username="cv", password=passwords["cv"]).username == "cv"


def test_an_empty_cell_clears_a_stored_value(system, load):
    load(BASE_UNITS, BASE_USERS)
    result = load(
        ("donvi.csv", UNITS + "H_SA_PA;UBND thị xã Sa Pa;UBND huyện, thành phố;UBND_TINH;;\n"),
        ("nguoidung.csv", USERS + "cv;Nguyễn Thị Theo Dõi;vp_specialist;VP_UBND;\n"),
    )
    assert (result.units, result.users) == (Counts(updated=1), Counts(updated=1))
    with system.db.reading() as session:
        assert session.get(Unit, "H_SA_PA").active_to is None
        assert _users(session)["cv"].email is None


ROLE_KEYS = (
    "admin, analyst, monitor, vp_specialist, vp_leadership, province_leadership, chairman, vp_chief, "
    "unit_leader, unit_staff"
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            [("donvi.csv", UNITS + "SO_XD;;Sở, ban, ngành;;;\n")],
            ["donvi.csv:2: Tên đơn vị không được để trống"],
        ),
        (
            [("donvi.csv", UNITS + "SO_XD;Sở Xây dựng;S;;;\nSO_NV;Sở Nội vụ;S;;;\nSO_XD;Sở Xây dựng;S;;;\n")],
            ['donvi.csv:4: Mã đơn vị "SO_XD" bị trùng với dòng 2'],
        ),
        (
            [("a.csv", USERS + "an;An;monitor;;\n"), ("b.csv", USERS + "\nan;An;monitor;;\n")],
            ['b.csv:3: Tên đăng nhập "an" bị trùng với a.csv:2'],
        ),
        (
            [("nguoidung.csv", USERS + "an;An;chuyen_vien;VP_UBND;\n")],
            [f'nguoidung.csv:2: Vai trò "chuyen_vien" không có; các vai trò: {ROLE_KEYS}'],
        ),
        ([("nguoidung.csv", USERS + "an;An;;;\n")], ["nguoidung.csv:2: Vai trò không được để trống"]),
        (
            [("donvi.csv", UNITS + "SO_XD;Sở Xây dựng;S;UBND;;\n")],
            ['donvi.csv:2: Đơn vị cấp trên "UBND" không có trong tệp nhập và cũng chưa có trong danh mục'],
        ),
        (
            [("nguoidung.csv", USERS + "an;An;unit_staff;SO_XD;\n")],
            ['nguoidung.csv:2: Đơn vị "SO_XD" không có trong tệp nhập và cũng chưa có trong danh mục'],
        ),
        (
            [("donvi.csv", UNITS + "A;A;S;B;;\nB;B;S;A;;\nC;C;S;C;;\n")],
            [
                "donvi.csv:2: Đơn vị cấp trên tạo thành vòng lặp: A → B → A",
                "donvi.csv:3: Đơn vị cấp trên tạo thành vòng lặp: B → A → B",
                "donvi.csv:4: Đơn vị cấp trên tạo thành vòng lặp: C → C",
            ],
        ),
        (  # with a unit already stored: SO_TC is under UBND_TINH
            [("donvi.csv", UNITS + "UBND_TINH;UBND tỉnh Lào Cai;UBND tỉnh;SO_TC;;\n")],
            ["donvi.csv:2: Đơn vị cấp trên tạo thành vòng lặp: UBND_TINH → SO_TC → UBND_TINH"],
        ),
        (
            [("donvi.csv", UNITS + "SO_XD;Sở Xây dựng;S;;01/07/2025;30/06/2025\n")],
            ["donvi.csv:2: Hoạt động đến ngày 30/06/2025 trước Hoạt động từ ngày 01/07/2025"],
        ),
        (
            [("nguoidung.csv", USERS + "an;An;unit_staff;H_SA_PA;\n")],
            ['nguoidung.csv:2: Đơn vị "H_SA_PA" không còn hoạt động (hoạt động đến ngày 31/12/2024)'],
        ),
        (  # closed by the same import
            [
                ("donvi.csv", UNITS + "SO_TC;Sở Tài chính;S;UBND_TINH;;23/01/2025\n"),
                ("nguoidung.csv", USERS + "an;An;unit_staff;SO_TC;\n"),
            ],
            ['nguoidung.csv:2: Đơn vị "SO_TC" không còn hoạt động (hoạt động đến ngày 23/01/2025)'],
        ),
        (
            [
                ("donvi.csv", UNITS + "X_MOI;UBND xã mới;UBND cấp xã/phường;;01/07/2025;\n"),
                ("nguoidung.csv", USERS + "an;An;unit_staff;X_MOI;\n"),
            ],
            ['nguoidung.csv:2: Đơn vị "X_MOI" chưa hoạt động (hoạt động từ ngày 01/07/2025)'],
        ),
        (
            [("nguoidung.csv", USERS + "an;An;unit_leader, monitor;;\n")],
            ["nguoidung.csv:2: vai trò unit_leader cần có Đơn vị"],
        ),
        (
            [("nguoidung.csv", USERS + "an;An;monitor;;an@laocai\n")],
            ['nguoidung.csv:2: Thư điện tử "an@laocai" không đúng dạng (ví dụ: ten@laocai.gov.vn)'],
        ),
        (
            [
                ("donvi.csv", UNITS + f"{'X' * 51};Tên;Loại;;;\n"),
                ("nguoidung.csv", USERS + f"an;{'A' * 201};monitor;;\n"),
            ],
            [
                "donvi.csv:2: Mã đơn vị dài 51 ký tự, tối đa 50",
                "nguoidung.csv:2: Họ và tên dài 201 ký tự, tối đa 200",
            ],
        ),
        (
            [("nguoidung.csv", USERS + "nguyen van a;An;monitor;;\n")],
            ['nguoidung.csv:2: Tên đăng nhập "nguyen van a" không được có khoảng trắng'],
        ),
    ],
)
def test_a_bad_row_is_named_with_its_row_and_nothing_is_written(system, load, counts, files, expected):
    load(BASE_UNITS, BASE_USERS)
    before = counts()
    with pytest.raises(InvalidDirectoryError) as refused:
        load(*files)
    assert [str(p) for p in refused.value.problems] == expected
    assert counts() == before


@pytest.mark.postgres
def test_every_problem_of_every_file_is_listed_at_once_and_nothing_is_written(system, load, counts, backend):
    before = counts()
    workbook = xlsx(
        {
            "Đơn vị": [
                ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên"],
                ["SO_TC", "Sở Tài chính", "Sở, ban, ngành", "UBND"],
                ["SO_XD", "Sở Xây dựng", "Sở, ban, ngành", None],  # fine, and still not written
            ],
            "Người dùng": [
                ["Tên đăng nhập", "Họ và tên", "Vai trò", "Đơn vị"],
                ["sotc", "Đỗ Thị Tài Chính", "unit_staf", "SO_TC"],
                ["soxd", "Ngô Văn Xây Dựng", "unit_staff", None],
            ],
        }
    )
    with pytest.raises(InvalidDirectoryError) as refused:
        load(("donvi.xlsx", workbook), ("them.csv", UNITS + "SO_NV;Sở Nội vụ;S;;1/13/2025;\n"))
    assert [str(p) for p in refused.value.problems] == [
        'donvi.xlsx[Người dùng]:2: Vai trò "unit_staf" không có; các vai trò: ' + ROLE_KEYS,
        "donvi.xlsx[Người dùng]:3: vai trò unit_staff cần có Đơn vị",
        'donvi.xlsx[Đơn vị]:2: Đơn vị cấp trên "UBND" không có trong tệp nhập và cũng chưa có trong danh mục',
        'them.csv:2: Hoạt động từ ngày "1/13/2025" không phải ngày hợp lệ (dd/mm/yyyy)',
    ]
    assert refused.value.message == "Danh mục có 4 lỗi, không có dữ liệu nào được ghi"
    assert counts() == before == (0, 0, 0)


def test_rows_never_delete_and_an_existing_user_keeps_a_unit_the_file_does_not_mention(system, load, counts):
    load(BASE_UNITS, BASE_USERS)
    # sotc becomes unit staff only; the file has no unit column, so the stored SO_TC satisfies the unit role.
    result = load(("it.csv", "username;full_name;roles\nsotc;Đỗ Thị Tài Chính;unit_staff\n"))
    assert result.users == Counts(updated=1)
    with system.db.reading() as session:
        assert _users(session)["sotc"].unit_code == "SO_TC"
        assert len(list(session.scalars(select(Unit)))) == 4
        assert session.scalar(select(ChangeRecord.id).where(ChangeRecord.action == "delete")) is None
