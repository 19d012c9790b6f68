"""Bảng điều hành: the leadership's overview of the assignments (figures.py) and its charts (charts.py)."""
