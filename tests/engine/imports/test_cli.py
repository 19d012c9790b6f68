"""`theodoi import FILE.xlsx` as an office runs it: the problems with their rows, exit 1 and nothing written
on a bad file, --dry-run, --valid-only, --as, and the progress bar on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.cli import main
from engine.history import ChangeRecord
from tests.engine.imports.sheets import task_row, tracking_sheet, workbook

THEODOI = str(Path(sys.executable).parent / "theodoi")


@pytest.fixture
def env(settings, directory):
    """The command's environment: the test's database, with its directory of units and users."""
    return {
        "THEODOI_DATABASE_URL": settings.database_url,
        "THEODOI_DATA_DIR": str(settings.data_dir),
        "THEODOI_SECRET_KEY": "test",
    }


@pytest.fixture
def theodoi(env):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def bad_sheet(tmp_path) -> Path:
    path = tmp_path / "bang-theo-doi.xlsx"
    path.write_bytes(
        workbook(
            [
                task_row(number="1/KH-UBND"),
                task_row(number="2/KH-UBND", lead="Sở Không Có"),
                task_row(number="3/KH-UBND", due="ngày 30 tháng 6"),
            ]
        )
    )
    return path


def test_a_bad_file_lists_its_rows_exits_1_and_writes_nothing(theodoi, bad_sheet, tables):
    before = tables()

    done = theodoi("import", str(bad_sheet), "--as", "cv")

    assert done.exit_code == 1
    assert done.stderr.splitlines() == [
        "Đọc và kiểm tra",  # the progress bar, off a terminal: its label alone
        "dòng 3, cột G — Cơ quan chủ trì: không có đơn vị “Sở Không Có” trong danh mục "
        "(ghi tên hoặc mã đơn vị)",
        "dòng 4, cột I — Thời hạn hoàn thành: Thời hạn “ngày 30 tháng 6” không phải ngày hợp lệ "
        "(ngày/tháng/năm)",
    ]
    assert done.stdout.splitlines()[-1] == (
        "Không nhập gì vì có 2 dòng lỗi: sửa các dòng đó, hoặc chọn chỉ nhập các dòng hợp lệ."
    )
    assert tables() == before


def test_a_dry_run_checks_and_writes_nothing_and_valid_only_writes_the_good_rows(theodoi, bad_sheet, tables):
    before = tables()

    dry = theodoi("import", str(bad_sheet), "--dry-run", "--valid-only", "--as", "cv")
    assert dry.exit_code == 0 and "Chạy thử: chưa ghi gì." in dry.stdout
    assert tables() == before

    valid = theodoi("import", str(bad_sheet), "--valid-only", "--as", "cv")
    assert valid.exit_code == 0
    assert "Đã nhập 1 nhiệm vụ, 1 văn bản mới; khởi tạo 0 quy trình theo dõi." in valid.stdout
    assert tables()["assignments"][0] == 1


def test_the_importing_user_is_the_actor_of_the_history_and_must_be_one_who_may(system, theodoi, tmp_path):
    path = tmp_path / "bang.xlsx"
    path.write_bytes(workbook([task_row()]))

    refused = theodoi("import", str(path), "--as", "sotc")
    unknown = theodoi("import", str(path), "--as", "khong-co")
    done = theodoi("import", str(path), "--as", "cv", "--map", "title=Trích yếu", "--room", "Phòng Kinh tế")

    assert refused.exit_code == 1 and "Đỗ Tài Chính không phải chuyên viên theo dõi" in refused.stderr
    assert unknown.exit_code == 1 and "không có người dùng “khong-co” đang hoạt động" in unknown.stderr
    assert done.exit_code == 0, done.output
    with system.db.reading() as session:
        actors = set(
            session.execute(
                select(ChangeRecord.actor, ChangeRecord.note).where(
                    ChangeRecord.entity.in_(("documents", "assignments", "assignment_units"))
                )
            ).all()
        )
    assert actors == {("cv", "Nhập từ tệp Excel bang.xlsx")}
    again = theodoi("import", str(path), "--as", "cv")
    assert "1 dòng đã có, bỏ qua." in again.stdout


def test_a_mapping_that_names_no_column_is_refused(theodoi, tmp_path):
    path = tmp_path / "bang.xlsx"
    path.write_bytes(workbook([task_row()]))

    done = theodoi("import", str(path), "--as", "cv", "--map", "lead_unit=Đơn vị xử lý", "--map", "thoihan")

    assert done.exit_code == 1
    assert "“thoihan”: ghi theo dạng TRƯỜNG=Tiêu đề cột" in done.stderr


def test_on_a_terminal_the_command_draws_its_progress(env, tmp_path):
    path = tracking_sheet(400, open_every=100).save(tmp_path / "bang-400.xlsx")
    main_fd, terminal = pty.openpty()
    command = subprocess.Popen(
        [THEODOI, "import", str(path), "--as", "cv"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**env, "PATH": "", "COLUMNS": "100"},
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the terminal closes with the command
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_fd)

    assert command.wait(timeout=300) == 0, shown.decode(errors="replace")
    text = shown.decode()
    assert "Đọc và kiểm tra" in text and "Ghi dữ liệu" in text and "100%" in text
    assert "Đã nhập 400 nhiệm vụ" in text
