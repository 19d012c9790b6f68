"""The tracking database (Đ3.3): units, directive documents, assignments."""
