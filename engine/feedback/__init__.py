"""P4 data corrections (Đ8) and P6 local feedback (Đ21.3)."""
