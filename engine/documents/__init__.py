"""Directive documents (Đ5.1.a-b): registration, the secrecy refusal (Đ5.2), the list, intake's operators."""
