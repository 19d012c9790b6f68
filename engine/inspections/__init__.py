"""P8 inspections (Đ12-18)."""
