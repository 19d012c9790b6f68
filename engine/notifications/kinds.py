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
    "secret_report_overdue": "Nhắc gửi báo cáo theo chế độ mật",
    "update_reminder": "Nhắc cập nhật tình hình thực hiện",
    "urging_letter": "Văn bản đôn đốc",
    "direction_request": "Xin ý kiến chỉ đạo",
    "direction_given": "Ý kiến chỉ đạo về khó khăn, vướng mắc",
    "result_sent_back": "Kết quả chưa được xác nhận hoàn thành",
    "data_correction_request": "Đề nghị điều chỉnh, bổ sung thông tin",
    "local_feedback_response": "Phản hồi của địa phương",
    "local_feedback_copy": "Phản hồi của địa phương (gửi để biết)",
    "local_feedback_overdue": "Phản hồi của địa phương quá hạn xử lý",
    "inspection_notice": "Thông báo kết quả kiểm tra",
    "inspection_report": "Báo cáo kết quả kiểm tra",
    "inspection_report_overdue": "Báo cáo kết quả kiểm tra quá hạn",
    "deadline_moved": "Điều chỉnh thời hạn theo lịch làm việc",
    "assignment_corrected": "Văn phòng điều chỉnh thông tin nhiệm vụ",  # engine/assignments/corrections.py
    "process_incident": "Quy trình gặp lỗi",
    USER_TASK_ASSIGNED: "Công việc được giao cho bạn",
    USER_TASK_TAKEN_OVER: "Công việc được giao cho người khác",
}


def label(kind: str) -> str:
    """The heading of `kind`."""
    return LABELS.get(kind, "Thông báo")
