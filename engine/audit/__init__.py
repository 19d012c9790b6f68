"""Nhật ký thao tác: one user's actions gathered from the append-only audit trails."""
