"""Notification kinds in the administration's words: the headings the notifications are grouped under.

Kinds are data (a diagram's `notify` names its own), so an unknown kind reads as plain "Thông báo"."""

from __future__ import annotations

USER_TASK_ASSIGNED = "user_task_assigned"
USER_TASK_TAKEN_OVER = "user_task_taken_over"

LABELS = {
    "intake_overdue": "Văn bản quá hạn phân loại, chuyển theo dõi",
    "deadline_reminder": "Nhiệm vụ sắp đến hạn",
    "user_task_reminder": "Công việc sắp đến hạn xử lý",
    "periodic_report_reminder": "Nhắc gửi báo cáo định kỳ",
    "periodic_report_overdue": "Đơn vị chưa gửi báo cáo định kỳ",
    "periodic_report_not_sent": "Quá hạn gửi báo cáo định kỳ",  # to the unit itself (engine/reminders)
    "periodic_report_returned": "Lãnh đạo đơn vị trả lại báo cáo định kỳ",  # engine/reports/approval.py
    "secret_report_overdue": "Quá hạn gửi báo cáo theo chế độ mật",
    "update_reminder": "Nhắc cập nhật tình hình thực hiện",
    "urging_letter": "Văn bản đôn đốc",
    "direction_request": "Xin ý kiến chỉ đạo",
    "direction_given": "Ý kiến chỉ đạo về khó khăn, vướng mắc",
    "result_sent_back": "Kết quả chưa được xác nhận hoàn thành",
    "difficulty_concerned": "Khó khăn, vướng mắc liên quan đến đơn vị",
    "escalation_direction": "Chỉ đạo xử lý việc chậm cập nhật sau đôn đốc",
    "report_returned": "Lãnh đạo đơn vị trả lại báo cáo",
    "data_correction_request": "Đề nghị điều chỉnh, bổ sung thông tin",
    "data_correction_outcome": "Kết quả xử lý đề nghị điều chỉnh thông tin nhiệm vụ",
    "local_feedback_response": "Phản hồi của địa phương",
    "divergence_direction": "Chỉ đạo về ý kiến khác nhau giữa các đơn vị",  # engine/feedback/divergence.py
    "local_feedback_copy": "Phản hồi của địa phương (gửi để biết)",
    "local_feedback_overdue": "Phản hồi của địa phương quá hạn xử lý",
    "inspection_notice": "Thông báo kết quả kiểm tra",
    "inspection_report": "Báo cáo kết quả kiểm tra",
    "inspection_report_overdue": "Báo cáo kết quả kiểm tra quá hạn",
    "inspection_report_copy": "Báo cáo kết quả kiểm tra (gửi để theo dõi, tổng hợp)",
    "inspection_team": "Đoàn kiểm tra",
    "inspection_invitation": "Mời tham gia Đoàn kiểm tra",
    "deadline_moved": "Điều chỉnh thời hạn theo lịch làm việc",
    "assignment_corrected": "Văn phòng điều chỉnh thông tin nhiệm vụ",  # engine/assignments/corrections.py
    "coordination_contribution": "Ý kiến của đơn vị phối hợp",  # engine/assignments/coordination.py
    "coordination_reminder": "Nhắc gửi ý kiến phối hợp",
    "internal_task_due": "Đến hạn xử lý trong đơn vị",  # engine/assignments/internal.py
    "internal_task_reported": "Cán bộ báo cáo kết quả xử lý trong đơn vị",
    "process_incident": "Quy trình gặp lỗi",
    "regulation_report_submitted": "Báo cáo tình hình thực hiện Quy chế trình Chủ tịch",  # P10
    "ad_hoc_report_reminder": "Nhắc gửi báo cáo đột xuất",  # engine/reports/ad_hoc.py
    "ad_hoc_report_overdue": "Đơn vị chưa gửi báo cáo đột xuất",
    "ad_hoc_report_returned": "Lãnh đạo đơn vị trả lại báo cáo đột xuất",
    "ad_hoc_report_done": "Kết quả báo cáo đột xuất",
    USER_TASK_ASSIGNED: "Công việc được giao cho bạn",
    USER_TASK_TAKEN_OVER: "Công việc được giao cho người khác",
}


def label(kind: str) -> str:
    """The heading of `kind`."""
    return LABELS.get(kind, "Thông báo")
