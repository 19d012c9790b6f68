"""Read state per user, repeats folded into one entry, frequent kinds grouped, the unread count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import clock as clock_module
from engine.notifications import grouping, reads
from engine.notifications import service as notifications
from engine.notifications.writing import About, write
from tests.engine.notifications.helpers import add_user, correction_request, notices, overdue_documents


def unread(system, user) -> int:
    with system.db.reading() as session:
        return notifications.unread_count(session=session, user=user)


def entries(system, user, **kwargs) -> list[notifications.Entry]:
    with system.db.reading() as session:
        return notifications.entries(session=session, user=user, **kwargs)


def open_(system, user, notice) -> int:
    with system.db.transaction() as session:
        return reads.mark_read(session=session, user=user, notification=notice, now=clock_module.now())


def mark_all(system, user, through=None) -> int:
    with system.db.transaction() as session:
        return reads.mark_all_read(session=session, user=user, now=clock_module.now(), through=through)


@pytest.mark.postgres
def test_two_leaders_of_one_group_read_their_shared_notices_each_for_himself(
    system, directory, clock, backend
):
    ldvp, ldvp2 = directory["ldvp"], add_user(system, "ldvp2", "Lê Văn Phó", ["vp_leadership"], "VP_UBND")
    overdue_documents(system, clock, 3)
    first, second, third = notices(system, "intake_overdue")
    assert unread(system, ldvp) == unread(system, ldvp2) == 3
    assert unread(system, directory["cv"]) == 0  # the specialists are not told

    assert open_(system, ldvp, second) == 1
    assert open_(system, ldvp, second) == 0  # opening it again changes nothing
    assert unread(system, ldvp) == 2 and unread(system, ldvp2) == 3
    assert [(e.id, e.unread) for e in entries(system, ldvp)] == [
        (third.id, True),
        (second.id, False),
        (first.id, True),
    ]
    assert [e.id for e in entries(system, ldvp, unread_only=True)] == [third.id, first.id]

    assert mark_all(system, ldvp) == third.id
    assert unread(system, ldvp) == 0 and unread(system, ldvp2) == 3
    clock.move_to(clock_module.now() + timedelta(hours=1))
    with system.db.transaction() as session:
        later = write(
            session,
            kind="intake_overdue",
            message="Văn bản số 9/QĐ-UBND chưa được phân loại.",
            about=About(),
            now=clock_module.now(),
            group="vp_leadership",
        )
    assert unread(system, ldvp) == 1  # what comes after "mark all" is news again
    assert [e.id for e in entries(system, ldvp, unread_only=True)] == [later.id]

    # "Mark all" up to what the page showed: a notice that arrived meanwhile stays unread.
    assert mark_all(system, ldvp2, through=second.id) == second.id
    assert [e.id for e in entries(system, ldvp2, unread_only=True)] == [later.id, third.id]


def test_someone_who_joined_later_starts_with_nothing_unread(system, directory, clock):
    overdue_documents(system, clock, 2)
    clock.move_to(clock_module.now() + timedelta(days=1))
    newcomer = add_user(system, "ldvp3", "Đỗ Văn Mới", ["vp_leadership"], "VP_UBND")
    assert unread(system, newcomer) == 0
    assert len(entries(system, newcomer)) == 2  # still listed, as read


@pytest.mark.postgres
def test_repeats_are_one_entry_and_opening_it_reads_them_all(system, directory, clock, backend):
    [document_id] = overdue_documents(system, clock, 1)
    [notice] = notices(system, "intake_overdue")
    about = About(instance_id=notice.instance_id, document_id=document_id)
    for hours in (2, 5):
        clock.move_to(notice.created_at + timedelta(hours=hours))
        with system.db.transaction() as session:
            latest = write(
                session,
                kind=notice.kind,
                message=notice.message,
                about=about,
                now=clock_module.now(),
                group="vp_leadership",
            )
    [entry] = entries(system, directory["ldvp"])
    assert (entry.id, entry.times, entry.latest_at, entry.unread) == (latest.id, 3, latest.created_at, True)
    assert unread(system, directory["ldvp"]) == 1  # one entry, not three

    assert open_(system, directory["ldvp"], latest) == 3
    assert unread(system, directory["ldvp"]) == 0


@pytest.mark.postgres
def test_a_notice_to_both_groups_of_a_unit_counts_once_for_someone_in_both(system, directory, backend):
    both = add_user(system, "sotc2", "Phan Thị Kiêm Nhiệm", ["unit_staff", "unit_leader"], "SO_TC")
    correction_request(system, directory["cv"])
    assert len(notices(system, "data_correction_request")) == 2
    [entry] = entries(system, both)
    assert entry.times == 1 and unread(system, both) == 1
    assert unread(system, directory["soxd"]) == 0  # another unit hears nothing of it


def test_a_kind_with_several_entries_is_grouped_under_one_heading(system, directory, clock):
    overdue_documents(system, clock, 4)
    correction_request(system, directory["cv"])
    admin = directory["admin"]  # receives everything: four escalations, the correction notice (two groups)
    blocks = grouping.blocks(entries(system, admin))
    assert [(b.kind, b.folded, len(b.entries)) for b in blocks] == [
        ("data_correction_request", False, 1),
        ("intake_overdue", True, 4),
    ]
    folded = blocks[-1]
    assert folded.label == "Văn bản quá hạn phân loại, chuyển theo dõi" and folded.unread == 4
    assert sorted(e.message.split(" chưa")[0] for e in folded.entries) == [
        f"Văn bản số {i}/QĐ-UBND" for i in (1, 2, 3, 4)
    ]
    assert [e.id for e in folded.entries] == sorted((e.id for e in folded.entries), reverse=True)


def test_the_unread_count_stops_at_its_cap(system, directory, clock):
    overdue_documents(system, clock, 3)
    with system.db.reading() as session:
        assert notifications.unread_count(session=session, user=directory["ldvp"], cap=2) == 2


def test_a_notification_of_someone_else_is_unknown(system, directory):
    from engine.errors import NotFoundError

    correction_request(system, directory["cv"])
    [notice, _] = notices(system, "data_correction_request")
    with system.db.reading() as session, pytest.raises(NotFoundError):
        notifications.get_or_raise(session=session, user=directory["soxd"], notification_id=notice.id)
