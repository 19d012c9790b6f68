"""Reports: the bucket figures, P9 periodic rounds (Đ22), publication, the workbook."""
