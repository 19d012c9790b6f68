"""Nhập dữ liệu: the tracking sheets offices keep in Excel, read, checked row by row and written."""
