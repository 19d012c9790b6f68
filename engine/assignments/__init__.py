"""Assignments (Đ5.1.c-h): P2 review, P3 updates, P5 urging, P7 difficulties, transfers, corrections."""
