"""search_text stays right on every write: documents, assignments (with their units', specialist's and
document's names, whoever renames them) and user tasks; `rebuild` puts back what was written around it;
the change history never records it. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from engine import history
from engine.assignments import transfers
from engine.assignments.models import Assignment
from engine.auth import service as auth
from engine.directory import units as directory_units
from engine.directory.models import Unit
from engine.documents import listing as document_list
from engine.documents.models import Document
from engine.documents.service import register_document
from engine.history import ChangeRecord
from engine.search import upkeep
from engine.search.fold import words
from engine.usertasks import service as usertasks
from tests.conftest import two_task_document
from tests.factories import add_assignment, add_document

NOW = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def tracked(system, directory, clock):
    """One document with a task led by Sở Tài chính (Sở Nội vụ coordinating) and one led by Sở Xây dựng;
    both tracked by cv, Nguyễn Thị Theo Dõi. Returns {key: id}."""
    clock.move_to(NOW)
    with history.acting_as("cv"), system.db.transaction() as session:
        document = add_document(session, number="12/QĐ-UBND", title="Về chuyển đổi số", signer="Trần Văn Ký")
        finance = add_assignment(
            session, document, seq=1, lead="SO_TC", coordinating=("SO_NV",), content="Xây dựng kho dữ liệu"
        )
        building = add_assignment(session, document, seq=2, lead="SO_XD", content="Rà soát thủ tục nội bộ")
        return {"document": document.id, "finance": finance.id, "building": building.id}


def text_of(system, model, row_id) -> str:
    with system.db.reading() as session:
        return session.scalar(select(model.search_text).where(model.id == row_id))


def found(system, query: str) -> set[int]:
    """The assignments whose search text holds every folded word of `query`."""
    from engine.search.sql import matching

    with system.db.reading() as session:
        return set(
            session.scalars(select(Assignment.id).where(matching(Assignment.search_text, words(query))))
        )


@pytest.mark.postgres
def test_a_new_assignment_names_its_document_units_signer_and_specialist(system, tracked, backend):
    assert text_of(system, Assignment, tracked["finance"]) == (
        "12/qd-ubnd xay dung kho du lieu so noi vu so tai chinh tran van ky nguyen thi theo doi"
    )
    assert (
        text_of(system, Document, tracked["document"]) == "12/qd-ubnd ve chuyen doi so tran van ky ke hoach"
    )
    assert found(system, "tai chinh") == {tracked["finance"]}
    assert found(system, "SỞ NỘI VỤ") == {tracked["finance"]}  # a coordinating unit
    assert found(system, "theo doi nguyen") == {tracked["finance"], tracked["building"]}  # the specialist
    assert found(system, "qd-ubnd ra soat") == {tracked["building"]}
    assert found(system, "tai chinh ra soat") == set()  # every word, in one task


@pytest.mark.postgres
def test_renaming_a_unit_rewrites_the_assignments_naming_it(system, tracked, backend):
    with system.db.transaction() as session:
        directory_units.update(
            session=session,
            code="SO_NV",
            values={"name": "Sở Nội vụ và Lao động"},
            actor="admin",
            today=NOW.date(),
            now=NOW,
        )
    assert found(system, "noi vu lao dong") == {tracked["finance"]}  # it only coordinates that one


@pytest.mark.postgres
def test_a_new_lead_unit_replaces_the_old_one_in_the_text(system, tracked, backend):
    with system.db.transaction() as session:
        a = session.get(Assignment, tracked["building"])
        transfers.transfer_lead(session, a, "XA_BX", reason="Không thuộc chức năng", actor="cv", now=NOW)
    assert found(system, "bat xat") == {tracked["building"]}
    assert found(system, "xay dung") == {tracked["finance"]}  # only its content "Xây dựng kho…" now


@pytest.mark.postgres
def test_renaming_the_specialist_or_the_documents_number_rewrites_the_assignments(system, tracked, backend):
    with system.db.transaction() as session:
        auth.update_user(session=session, username="cv", now=NOW, actor="admin", full_name="Nguyễn Thị Hằng")
    assert found(system, "hang") == {tracked["finance"], tracked["building"]}
    assert found(system, "theo doi") == set()
    with system.db.transaction() as session:
        session.get(Document, tracked["document"]).number = "15/QĐ-UBND"
    assert found(system, "15/qd") == {tracked["finance"], tracked["building"]}
    assert "15/qd-ubnd" in text_of(system, Document, tracked["document"])


@pytest.mark.postgres
def test_the_change_history_leaves_search_text_out(system, tracked, backend):
    with history.acting_as("cv"), system.db.transaction() as session:
        session.get(Assignment, tracked["finance"]).content = "Xây dựng kho dữ liệu dùng chung"
    assert found(system, "dung chung") == {tracked["finance"]}
    with system.db.reading() as session:
        records = list(session.scalars(select(ChangeRecord).where(ChangeRecord.entity == "assignments")))
    assert records and all("search_text" not in r.changes for r in records)
    assert any(
        r.changes == {"content": ["Xây dựng kho dữ liệu", "Xây dựng kho dữ liệu dùng chung"]} for r in records
    )


@pytest.mark.postgres
def test_the_text_is_rewritten_once_before_commit_and_loaded_objects_get_it(system, tracked, backend):
    with system.db.transaction() as session:
        a = session.get(Assignment, tracked["building"])
        a.content = "Công khai kết quả"
        session.flush()
        a.lead_unit_code = "SO_TC"  # a second flush in the same transaction
        session.flush()
        assert upkeep.STALE in session.info  # noted, not yet rewritten
    # The sessions keep loaded values after commit (expire_on_commit=False): the object has the new text.
    assert a.search_text.startswith("12/qd-ubnd cong khai ket qua so tai chinh")
    assert found(system, "cong khai tai chinh") == {tracked["building"]}


@pytest.mark.postgres
def test_a_rolled_back_transaction_leaves_nothing_behind(system, tracked, backend):
    with pytest.raises(RuntimeError), system.db.transaction() as session:
        session.get(Assignment, tracked["building"]).content = "Nội dung nháp Quỳnh Nhai"
        session.flush()
        raise RuntimeError("the request failed")
    assert found(system, "quynh nhai") == set() and found(system, "ra soat") == {tracked["building"]}


@pytest.mark.postgres
def test_rebuild_rewrites_what_was_written_around_the_orm(system, tracked, backend):
    with system.db.transaction() as session:  # Core: no flush, no hook
        session.execute(
            update(Assignment).values(search_text="").execution_options(synchronize_session=False)
        )
        session.execute(update(Unit).where(Unit.code == "SO_XD").values(name="Sở Xây dựng Lào Cai"))
    assert found(system, "xay dung") == set()
    with system.db.transaction() as session:
        counts = upkeep.rebuild(session)
    assert counts["assignments"] == 2 and counts["documents"] == 1
    assert found(system, "xay dung lao cai") == {tracked["building"]}


@pytest.mark.postgres
def test_user_tasks_are_found_by_name_and_subject(system, directory, backend):
    with system.db.transaction() as session:
        register_document(session=session, engine=system.engine, payload=two_task_document(), actor="cv")
    with system.db.reading() as session:
        [task] = usertasks.inbox(session=session, user=directory["cv"])
        assert task.search_text.startswith("phan loai nhiem vu, chuyen theo doi")
        assert "12/qd-ubnd" in task.search_text
        for query in ["phan loai", "12/QĐ", "chuyen doi so"]:
            assert usertasks.inbox(session=session, user=directory["cv"], words=words(query)) == [task], query
        assert usertasks.inbox(session=session, user=directory["cv"], words=words("kiem tra")) == []


@pytest.mark.postgres
def test_percent_and_underscore_are_searched_literally(system, directory, clock, backend):
    with system.db.transaction() as session:
        add_document(session, number="1/KH", title="Tăng 5% thu ngân sách")
        add_document(session, number="2/KH", title="Tăng 50 chỉ tiêu")
        add_document(session, number="3_KH", title="Kế hoạch")
    with system.db.reading() as session:

        def numbers(query):
            filters = document_list.DocumentFilters(words=words(query))
            return {d.number for d in document_list.list_(session=session, filters=filters)}

        assert numbers("5%") == {"1/KH"}
        assert numbers("3_") == {"3_KH"}
        assert numbers("_") == {"3_KH"}
