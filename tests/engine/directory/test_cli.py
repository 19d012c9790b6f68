"""`theodoi directory import` as an operator runs it on a fresh install."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from engine import clock as clock_module
from engine.auth import service as auth
from engine.cli import main
from engine.config import load_settings
from engine.system import build


@pytest.fixture
def env(tmp_path):
    return {"THEODOI_DATA_DIR": str(tmp_path / "data"), "THEODOI_SECRET_KEY": "test"}


@pytest.fixture
def run(env):
    runner = CliRunner()

    def invoke(*args: str):
        with clock_module.frozen(datetime(2025, 1, 24, 2, 0, tzinfo=UTC)):
            return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def test_import_prints_the_summary_and_each_new_password_once(run, env, tmp_path):
    units = tmp_path / "donvi.csv"
    units.write_text(
        "\ufeffMã đơn vị;Tên đơn vị;Loại đơn vị;Đơn vị cấp trên\n"
        "UBND_TINH;UBND tỉnh Lào Cai;UBND tỉnh;\n"
        "SO_TC;Sở Tài chính;Sở, ban, ngành;UBND_TINH\n",
        encoding="utf-8",
    )
    users = tmp_path / "nguoidung.csv"
    users.write_text("Tên đăng nhập;Họ và tên;Vai trò;Đơn vị\nsotc;Đỗ Thị Tài Chính;unit_staff;SO_TC\n")

    first = run("directory", "import", str(units), str(users))

    assert first.exit_code == 0, first.output
    summary, heading, password_line = first.stdout.splitlines()
    assert (
        summary
        == "đơn vị: 2 thêm mới, 0 cập nhật, 0 không đổi; người dùng: 1 thêm mới, 0 cập nhật, 0 không đổi"
    )
    assert heading == "mật khẩu ban đầu của người dùng mới (chỉ in một lần này):"
    username, password = password_line.split()
    assert username == "sotc"
    system = build(load_settings(env=env))
    with system.db.reading() as session:
        assert auth.authenticate(session=session, username="sotc", password=password).unit_code == "SO_TC"
    system.db.dispose()

    second = run("directory", "import", str(units), str(users))

    assert second.exit_code == 0
    assert second.stdout.splitlines() == [
        "không có gì thay đổi (đơn vị: 0 thêm mới, 0 cập nhật, 2 không đổi; "
        "người dùng: 0 thêm mới, 0 cập nhật, 1 không đổi)"
    ]


def test_a_bad_file_exits_1_listing_every_problem_and_writes_nothing(run, tmp_path):
    good = tmp_path / "donvi.csv"
    good.write_text('code,name,type\nSO_TC,Sở Tài chính,"Sở, ban, ngành"\n')
    bad = tmp_path / "nguoidung.csv"
    bad.write_text("username,full_name,roles,unit\nsotc,Đỗ Thị Tài Chính,unit_staff,SO_XD\nan,,monitor,\n")

    result = run("directory", "import", str(good), str(bad))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{bad}:2: Đơn vị "SO_XD" không có trong tệp nhập và cũng chưa có trong danh mục',
        f"{bad}:3: Họ và tên không được để trống",
        "không nhập gì: 2 lỗi",
    ]
    fixed = run("directory", "import", str(good))
    assert fixed.stdout.startswith("đơn vị: 1 thêm mới")  # the refused run had written nothing
    assert run("directory", "import", str(tmp_path / "missing.csv")).exit_code == 2
