"""`theodoi workdays set|unset --dry-run` and `theodoi workdays year` as an administrator uses them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.config import load_settings
from engine.directory.models import Unit
from engine.documents import service as document_service
from engine.system import build
from tests.conftest import UNITS, two_task_document

T1_LINE = "  Hạn phân loại, chuyển theo dõi (T1) | Văn bản 12/QĐ-UBND | Văn phòng UBND tỉnh | "


@pytest.fixture
def run(tmp_path, monkeypatch, clock):
    """The command on a database of its own, at the frozen clock's instant (Friday 24/01/2025)."""
    monkeypatch.setenv("THEODOI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("THEODOI_SECRET_KEY", "test")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def document_to_classify(run):
    """A document issued Friday 24/01/2025 with two tasks, not classified yet: T1 is Friday 07/02/2025."""
    assert run("deploy").exit_code == 0
    system = build(load_settings())
    with system.db.transaction() as session:
        session.add_all(Unit(code=c, name=n, unit_type=t) for c, n, t in UNITS)
        session.flush()
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    system.db.dispose()


def test_set_and_unset_list_the_moves_and_the_dry_run_changes_nothing(run, document_to_classify):
    preview = run("workdays", "set", "2025-02-05", "--off", "--note", "Nghỉ bù", "--dry-run")
    assert preview.exit_code == 0
    assert preview.output.splitlines() == [
        "2025-02-05: ngày nghỉ (chạy thử: chưa thay đổi gì)",
        "1 thời hạn sẽ được điều chỉnh:",
        T1_LINE + "07/02/2025 → 10/02/2025",
    ]
    assert "2025-02-05" not in run("workdays", "list", "--year", "2025").output
    assert run("workdays", "add", "2025-02-04", "1").output.strip() == "2025-02-05"

    done = run("workdays", "set", "2025-02-05", "--off", "--note", "Nghỉ bù")
    assert done.output.splitlines() == [
        "2025-02-05: ngày nghỉ",
        "1 thời hạn đã được điều chỉnh:",
        T1_LINE + "07/02/2025 → 10/02/2025",
    ]
    assert "2025-02-05\tnghỉ\tNghỉ bù" in run("workdays", "list", "--year", "2025").output

    back = run("workdays", "unset", "2025-02-05", "--dry-run")
    assert back.output.splitlines()[-1] == T1_LINE + "10/02/2025 → 07/02/2025"
    assert run("workdays", "unset", "2025-02-05").output.splitlines() == [
        "2025-02-05: bỏ khai báo",
        "1 thời hạn đã được điều chỉnh:",
        T1_LINE + "10/02/2025 → 07/02/2025",
    ]
    missing = run("workdays", "unset", "2025-02-05", "--dry-run")
    assert missing.exit_code == 1 and "lỗi: no calendar override on 2025-02-05" in missing.output


def test_a_year_is_estimated_until_its_notice_is_entered(run):
    assert run("workdays", "year", "2027").output.startswith(
        "Năm 2027: dự kiến (chưa có thông báo chính thức"
    )
    refused = run("workdays", "year", "2027", "--official")
    assert refused.exit_code == 1 and "notice: nhập số, ký hiệu của thông báo" in refused.output
    notice = ("--notice", "Thông báo số 6150/TB-BNV", "--notice-date", "2026-11-20")
    done = run("workdays", "year", "2027", "--official", *notice)
    assert done.output.strip() == "Năm 2027: chính thức (Thông báo số 6150/TB-BNV ngày 20/11/2026)"
    assert run("workdays", "year", "2027").output.strip() == done.output.strip()
    assert run("workdays", "year", "2027", "--estimated").output.startswith("Năm 2027: dự kiến")
