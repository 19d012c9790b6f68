"""The diagram editor in a real browser: an analyst renames a user task and widens its candidate groups in
our properties panel, edits its form with the live preview, saves through the validation report and
deploys; a refused save keeps the analyst's edits as a draft in the tab until they discard it; and every
diagram of processes/, opened and saved without an edit, keeps everything the engine reads (compared as
parsed XML, layout aside)."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import Page, expect

from engine.definitions import service as definitions
from tests.browser.conftest import log_in

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = sorted(p.stem for p in (ROOT / "processes").glob("*.bpmn"))
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
SCENARIO_RUN_LIMIT_MS = 180_000
NEW_NAME = "Phân loại, cập nhật thông tin và chuyển theo dõi nhiệm vụ"
DRAFT_NOTICE = re.compile(r"Đang mở bản nháp chưa triển khai, lưu lúc \d\d/\d\d/\d{4} \d\d:\d\d\.")


# The analyst changes who classifies, so the scenario kept beside the diagram changes with it: the upload
# page runs processes/tests/intake.yaml, which pins classify's groups. This is the analyst's new version.
UPDATED_SCENARIO = """
process: intake
scenarios:
  - name: Lãnh đạo Văn phòng cũng nhận việc phân loại
    clock: "2025-01-24 09:00"
    steps:
      - register_document:
          as: cv.theodoi
          data:
            number: "12/QĐ-UBND"
            doc_type: Quyết định
            title: Về việc giao nhiệm vụ chuyển đổi số năm 2025
            issued_on: "2025-01-24"
            signer: Chủ tịch UBND tỉnh
            tasks:
              - {content: Xây dựng kho dữ liệu dùng chung, lead_unit: SO_TC}
      - expect:
          user_tasks:
            - {task: classify, groups: [vp_specialist, vp_leadership]}
"""


@pytest.fixture
def settings(settings, request, tmp_path):
    """For the journey: processes/ with the analyst's updated intake scenario; the others run processes/."""
    if request.function.__name__ != "test_an_analyst_renames_a_task_changes_its_group_and_form_and_deploys":
        return settings
    processes = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", processes)
    (processes / "tests" / "intake.yaml").write_text(UPDATED_SCENARIO, encoding="utf-8")
    return dataclasses.replace(settings, processes_dir=processes)


def latest(system, process_id: str):
    with system.db.reading() as session:
        return definitions.latest_or_raise(session=session, process_id=process_id)


def open_editor(page: Page, definition_id: int) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/quy-trinh-nghiep-vu/{definition_id}/sua")
    expect(page.locator(".djs-element").first).to_be_attached()


def save(page: Page) -> None:
    """Lưu và kiểm tra: the upload page answers once the process's scenario tests have run (in a child
    process), which takes longer than a click waits."""
    with page.expect_navigation(url="**/tai-len", timeout=SCENARIO_RUN_LIMIT_MS):
        page.get_by_role("button", name="Lưu và kiểm tra").click(no_wait_after=True)


def select(page: Page, element_id: str) -> None:
    page.locator(f'.djs-element.djs-shape[data-element-id="{element_id}"]').click()


def kept_draft(page: Page, definition_id: int) -> str | None:
    """The draft the editor keeps in the tab for that stored version, as stored."""
    return page.evaluate("id => sessionStorage.getItem('theodoi.draft.' + id)", definition_id)


def edit_form_title(page: Page, old: str, new: str) -> None:
    page.get_by_role("tab", name="Biểu mẫu").click()
    page.get_by_role("button", name="classify.schema.json").click()
    source = page.locator("#form-text")
    source.fill(source.input_value().replace(f'"title": "{old}"', f'"title": "{new}"', 1))


def test_an_analyst_renames_a_task_changes_its_group_and_form_and_deploys(system, directory, page, tmp_path):
    before = latest(system, "intake")
    log_in(page, "analyst")
    open_editor(page, before.id)
    page.screenshot(path=tmp_path / "editor.png")

    select(page, "classify")
    panel = page.locator("#modeler-panel")
    expect(panel.get_by_role("heading", name="Công việc của người dùng")).to_be_visible()
    expect(panel.get_by_label("Mã (id)")).to_have_value("classify")
    expect(panel.get_by_label("Tệp biểu mẫu (JSON Schema)")).to_have_value("classify.schema.json")
    panel.get_by_label("Tên", exact=True).fill(NEW_NAME)
    panel.get_by_label("Tên", exact=True).press("Tab")
    groups = panel.get_by_role("group", name="Nhóm xử lý (candidateGroups)")
    expect(groups.get_by_label("Chuyên viên theo dõi (Văn phòng UBND tỉnh)")).to_be_checked()
    groups.get_by_label("Lãnh đạo Văn phòng UBND tỉnh").check()
    expect(page.locator('.djs-element[data-element-id="classify"]')).to_contain_text("cập nhật thông tin")
    page.screenshot(path=tmp_path / "panel-user-task.png")

    select(page, "create_tracking_assignments")
    expect(panel.get_by_label("Thao tác được gọi (serviceTaskOperator)")).to_have_value("create_assignments")
    expect(panel.get_by_label("Giá trị của document_id")).to_have_value('document["id"]')
    expect(panel).to_contain_text("Tạo các nhiệm vụ đã phân loại từ văn bản chỉ đạo · mã create_assignments")
    expect(panel.get_by_role("option", name="Gửi thông báo cho một nhóm người dùng")).to_be_attached()
    page.screenshot(path=tmp_path / "panel-service-task.png")
    select(page, "t1_overdue")
    expect(panel.get_by_label("Loại hẹn giờ")).to_have_value("timeDate")
    expect(panel.get_by_label("Biểu thức", exact=True)).to_have_value("t1_due")
    expect(panel).to_contain_text("add_working_days(ngày, n)")
    page.screenshot(path=tmp_path / "panel-timer.png")

    page.get_by_role("tab", name="Biểu mẫu").click()
    page.get_by_role("button", name="classify.schema.json").click()
    preview = page.locator("#form-preview")
    expect(preview.get_by_label("Phòng theo dõi")).to_be_visible()
    source = page.locator("#form-text")
    text = source.input_value()
    source.fill(text.replace('"title": "Phòng theo dõi"', '"title": "Phòng được giao theo dõi"', 1))
    expect(preview.get_by_label("Phòng được giao theo dõi")).to_be_visible()
    source.fill(text.replace('"title": "Phòng theo dõi"', '"title": "Phòng được giao theo dõi",,', 1))
    expect(page.locator("#form-problem")).to_contain_text("Lỗi cú pháp JSON ở dòng")
    page.screenshot(path=tmp_path / "form-error.png")
    source.fill(text.replace('"title": "Phòng theo dõi"', '"title": "Phòng được giao theo dõi"', 1))
    expect(page.locator("#form-problem")).to_be_hidden()
    page.screenshot(path=tmp_path / "forms.png")

    save(page)
    expect(page.get_by_role("heading", name="Kết quả kiểm tra")).to_be_visible()
    expect(page.locator("section.problems")).to_contain_text("Không có lỗi")
    page.screenshot(path=tmp_path / "report.png", full_page=True)
    assert NEW_NAME in kept_draft(page, before.id)  # kept until it is deployed
    page.get_by_role("button", name="Triển khai").click()
    expect(page.locator(".flash-success")).to_contain_text(f"phiên bản v{before.version + 1}")
    assert kept_draft(page, before.id) is None  # deployed: the draft is dropped

    after = latest(system, "intake")
    assert (after.version, after.filename, set(after.forms)) == (
        before.version + 1,
        "intake.bpmn",
        set(before.forms),
    )
    classify = etree.fromstring(bytes(after.bpmn_xml)).find(".//bpmn:userTask[@id='classify']", NS)
    assert classify.get("name") == NEW_NAME
    props = {
        p.get("name"): p.get("value")
        for p in classify.iterfind(
            "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS
        )
    }
    assert props["candidateGroups"] == "vp_specialist,vp_leadership"
    assert (
        after.forms["classify.schema.json"]["properties"]["tracking_room"]["title"]
        == "Phòng được giao theo dõi"
    )
    assert after.forms["classify.uischema.json"] == before.forms["classify.uischema.json"]


def test_a_refused_save_keeps_the_edits_until_the_analyst_discards_them(system, directory, page, tmp_path):
    stored = latest(system, "intake")
    log_in(page, "analyst")
    open_editor(page, stored.id)
    expect(page.locator("#modeler-draft")).to_be_hidden()
    panel = page.locator("#modeler-panel")
    select(page, "classify")
    panel.get_by_label("Tên", exact=True).fill(NEW_NAME)
    panel.get_by_label("Tên", exact=True).press("Tab")
    select(page, "t1_overdue")
    panel.get_by_label("Biểu thức", exact=True).fill("t1_due +")  # a Python expression cut short
    panel.get_by_label("Biểu thức", exact=True).press("Tab")
    edit_form_title(page, "Phòng theo dõi", "Phòng được giao theo dõi")

    save(page)
    expect(page.locator("section.problems")).to_contain_text("t1_overdue")
    expect(page.locator("section.confirm")).to_contain_text("Không thể triển khai: sơ đồ còn 1 lỗi.")
    expect(page.get_by_role("button", name="Triển khai")).to_have_count(0)
    page.screenshot(path=tmp_path / "report-refused.png", full_page=True)

    page.get_by_role("link", name="Quay lại sửa").click()
    expect(page).to_have_url(re.compile(rf"/quy-trinh-nghiep-vu/{stored.id}/sua$"))
    expect(page.locator("#modeler-draft")).to_contain_text(DRAFT_NOTICE)
    expect(page.locator('.djs-element[data-element-id="classify"]')).to_contain_text("cập nhật thông tin")
    select(page, "t1_overdue")
    expect(panel.get_by_label("Biểu thức", exact=True)).to_have_value("t1_due +")
    page.screenshot(path=tmp_path / "editor-draft.png")
    page.get_by_role("tab", name="Biểu mẫu").click()
    page.get_by_role("button", name="classify.schema.json").click()
    expect(page.locator("#form-text")).to_have_value(re.compile('"title": "Phòng được giao theo dõi"'))

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Bỏ bản nháp, mở bản đã triển khai").click()
    expect(page.locator(".djs-element").first).to_be_attached()
    expect(page.locator("#modeler-draft")).to_be_hidden()
    expect(page.locator('.djs-element[data-element-id="classify"]')).to_contain_text("chuyển theo dõi")
    expect(page.locator('.djs-element[data-element-id="classify"]')).not_to_contain_text("cập nhật thông tin")
    select(page, "t1_overdue")
    expect(panel.get_by_label("Biểu thức", exact=True)).to_have_value("t1_due")
    assert kept_draft(page, stored.id) is None
    assert latest(system, "intake").version == stored.version  # nothing was deployed


# ---- nothing lost: open and save every diagram without an edit ----------------------------------------


def semantic(element) -> tuple:
    """An element as the engine sees it: tag, attributes, text, children; the diagram layout left out."""
    children = [c for c in element if isinstance(c.tag, str) and not c.tag.startswith(f"{{{DI}}}")]
    text = element.text or ""
    return (
        element.tag,
        dict(element.attrib),
        text.strip() if children else text,
        [semantic(c) for c in children],
    )


def first_difference(a: tuple, b: tuple, path: str = "") -> str | None:
    here = f"{path}/{a[0].split('}')[-1]}[{a[1].get('id', '')}]"
    for i, name in enumerate(("tag", "attributes", "text")):
        if a[i] != b[i]:
            return f"{here}: {name} {a[i]!r} became {b[i]!r}"
    if len(a[3]) != len(b[3]):
        return f"{here}: {len(a[3])} children became {len(b[3])}"
    for x, y in zip(a[3], b[3], strict=True):
        found = first_difference(x, y, here)
        if found:
            return found
    return None


@pytest.mark.parametrize("process_id", PROCESSES)
def test_opening_and_saving_a_diagram_keeps_everything_the_engine_reads(system, directory, page, process_id):
    stored = latest(system, process_id)
    original = semantic(etree.fromstring(bytes(stored.bpmn_xml)))
    log_in(page, "analyst")
    open_editor(page, stored.id)
    expect(page.locator("#modeler-notice")).to_be_hidden()  # bpmn-js read everything: no import warning
    save(page)
    expect(page.locator("section.problems")).to_contain_text("Không có lỗi")  # what bpmn-js wrote is valid
    page.get_by_role("button", name="Triển khai").click()
    expect(page.locator(".flash-success")).to_contain_text(f"phiên bản v{stored.version + 1}")
    saved = latest(system, process_id)
    assert saved.filename == stored.filename
    assert first_difference(original, semantic(etree.fromstring(bytes(saved.bpmn_xml)))) is None
    assert saved.forms == stored.forms
