"""The pager: which rows a page shows out of how many, the page numbers it links, and how it reads."""

from __future__ import annotations

import pytest
from flask import render_template_string

from engine.web.pages.paging import Window


def test_the_first_page():
    w = Window(offset=0, size=50, total=1234)
    assert (w.current, w.last, w.first_row, w.last_row) == (1, 25, 1, 50)
    assert w.previous_offset is None and w.next_offset == 50
    assert w.numbers() == [1, 2, 3, None, 25]


def test_a_middle_page_has_gaps_on_both_sides():
    w = Window(offset=500, size=50, total=1234)
    assert (w.current, w.first_row, w.last_row) == (11, 501, 550)
    assert w.numbers() == [1, None, 9, 10, 11, 12, 13, None, 25]
    assert w.previous_offset == 450 and w.next_offset == 550


def test_the_last_page_is_short():
    w = Window(offset=1200, size=50, total=1234)
    assert (w.current, w.last, w.first_row, w.last_row) == (25, 25, 1201, 1234)
    assert w.next_offset is None and w.previous_offset == 1150
    assert w.numbers() == [1, None, 23, 24, 25]


def test_a_gap_of_one_page_shows_the_page_instead():
    assert Window(offset=200, size=50, total=1234).numbers() == [1, 2, 3, 4, 5, 6, 7, None, 25]
    assert Window(offset=50, size=50, total=250).numbers() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(("total", "last"), [(0, 1), (1, 1), (50, 1), (51, 2), (100, 2), (101, 3)])
def test_the_number_of_pages(total, last):
    w = Window(offset=0, size=50, total=total)
    assert w.last == last
    assert w.numbers() == ([] if last == 1 else list(range(1, last + 1)))


def test_an_empty_list_and_an_offset_past_the_end():
    empty = Window(offset=0, size=50, total=0)
    assert (empty.first_row, empty.last_row, empty.beyond, empty.next_offset) == (0, 0, False, None)
    past = Window(offset=1_000_000, size=50, total=120)
    assert past.beyond and past.first_row == 0 and past.next_offset is None
    assert past.previous_offset == 100  # back to the last page, not to 999 950


def test_the_pager_reads_in_vietnamese_and_keeps_the_filters_on_its_links(app):
    with app.test_request_context():
        html = render_template_string(
            "{% from '_pager.html' import pager %}{{ pager('pages.documents', 50, 50, 50, 1234, "
            "q='tai chinh', sort='number', dir='desc', doc_type=none) }}"
        )
    assert "Hiển thị 51–100 trong 1.234 kết quả" in html
    assert '<span class="pager-current" aria-current="page">2</span>' in html
    assert (
        'href="/documents?q=tai+chinh&amp;sort=number&amp;dir=desc" rel="prev"' in html
    )  # page 1: no offset
    assert 'href="/documents?offset=100&amp;q=tai+chinh&amp;sort=number&amp;dir=desc" rel="next"' in html
    assert ">25</a>" in html and "…" in html and "doc_type" not in html


def test_a_pager_without_a_total_keeps_previous_and_next_only(app):
    with app.test_request_context():
        html = render_template_string(
            "{% from '_pager.html' import pager %}{{ pager('pages.documents', 50, 50, 50) }}"
        )
    assert "Trang trước" in html and "Trang sau" in html and "kết quả" not in html


def test_one_page_says_how_many_without_page_links(app):
    with app.test_request_context():
        html = render_template_string(
            "{% from '_pager.html' import pager %}{{ pager('pages.documents', 0, 12, 50, 12) }}"
        )
    assert (
        "Hiển thị 1–12 trong 12 kết quả" in html and "Trang sau" not in html and "pager-current" not in html
    )
