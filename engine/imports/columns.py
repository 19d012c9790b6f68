"""The fields a row of a tracking sheet gives, and the guess of which column holds which: offices title
their columns in many ways ("Cơ quan chủ trì", "Đơn vị thực hiện", "Thời hạn hoàn thành"), compared here
without case, spaces, punctuation or diacritics. Pure: titles in, a mapping out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from engine.sheets import fold_title


@dataclass(frozen=True)
class Field:
    """One thing a row may say: its key (the API's and --map's name), the Vietnamese label pages and
    messages use, the column titles it is recognised by (best first) and what its cells may hold."""

    key: str
    label: str
    headers: tuple[str, ...]
    required: bool = False
    help: str = ""


FIELDS = (
    Field(
        "number",
        "Số, ký hiệu",
        (
            "Số, ký hiệu",
            "Số ký hiệu văn bản",
            "Số hiệu văn bản",
            "Số văn bản",
            "Văn bản số",
            "Số hiệu",
            "Ký hiệu",
            "Số/ký hiệu",
            "Số",
        ),
        required=True,
        help="Để trống cùng Ngày ban hành: nhiệm vụ tiếp theo của văn bản ở dòng trên (ô gộp).",
    ),
    Field(
        "issued_on",
        "Ngày ban hành",
        ("Ngày ban hành", "Ngày ban hành văn bản", "Ngày văn bản", "Ngày ký", "Ngày BH", "Ngày"),
        required=True,
        help="Ngày của Excel hoặc ngày/tháng/năm.",
    ),
    Field(
        "doc_type",
        "Loại văn bản",
        ("Loại văn bản", "Loại VB", "Hình thức văn bản", "Thể loại", "Loại"),
        help="Để trống: suy ra từ số, ký hiệu (QĐ: Quyết định, CT: Chỉ thị, KH: Kế hoạch…; khác: Công văn).",
    ),
    Field(
        "title",
        "Trích yếu",
        (
            "Trích yếu",
            "Trích yếu nội dung",
            "Trích yếu văn bản",
            "Tên văn bản",
            "Nội dung văn bản",
            "Về việc",
            "V/v",
        ),
        required=True,
    ),
    Field(
        "leader",
        "Người ký / Lãnh đạo giao nhiệm vụ",
        (
            "Lãnh đạo giao nhiệm vụ",
            "Lãnh đạo giao",
            "Người giao",
            "Lãnh đạo chỉ đạo",
            "Người ký",
            "Người ký văn bản",
            "Lãnh đạo ký",
            "Lãnh đạo",
        ),
        help="Tên hoặc mã trong danh mục lãnh đạo; bắt buộc khi danh mục đã có lãnh đạo.",
    ),
    Field(
        "content",
        "Nội dung nhiệm vụ",
        (
            "Nội dung nhiệm vụ",
            "Nhiệm vụ",
            "Nội dung nhiệm vụ được giao",
            "Nhiệm vụ được giao",
            "Nội dung công việc",
            "Nội dung giao",
            "Nội dung chỉ đạo",
            "Nội dung",
            "Công việc",
        ),
        required=True,
    ),
    Field(
        "lead_unit",
        "Đơn vị chủ trì",
        (
            "Đơn vị chủ trì",
            "Cơ quan chủ trì",
            "Cơ quan, đơn vị chủ trì",
            "Đơn vị chủ trì thực hiện",
            "Đơn vị thực hiện",
            "Cơ quan thực hiện",
            "Đơn vị được giao",
            "Cơ quan được giao",
            "Chủ trì",
        ),
        required=True,
        help="Tên hoặc mã đơn vị trong danh mục.",
    ),
    Field(
        "coordinating_units",
        "Đơn vị phối hợp",
        (
            "Đơn vị phối hợp",
            "Cơ quan phối hợp",
            "Cơ quan, đơn vị phối hợp",
            "Đơn vị phối hợp thực hiện",
            "Phối hợp",
        ),
        help="Nhiều đơn vị cách nhau bởi dấu ; hoặc dấu phẩy.",
    ),
    Field(
        "due_date",
        "Thời hạn",
        (
            "Thời hạn",
            "Thời hạn hoàn thành",
            "Hạn hoàn thành",
            "Thời hạn thực hiện",
            "Thời hạn xử lý",
            "Hạn xử lý",
            "Hạn",
        ),
        help="Để trống hoặc “Không có thời hạn”, “Thường xuyên”: nhiệm vụ không có thời hạn.",
    ),
    Field("sector", "Lĩnh vực", ("Lĩnh vực", "Lĩnh vực nhiệm vụ"), help="Tên hoặc mã lĩnh vực."),
    Field(
        "status",
        "Tình trạng",
        (
            "Tình trạng",
            "Tình trạng thực hiện",
            "Trạng thái",
            "Trạng thái thực hiện",
            "Tình trạng nhiệm vụ",
            "Kết quả đánh giá",
        ),
        help="Đã hoàn thành, hoặc Đang thực hiện / Chưa hoàn thành / Chưa thực hiện.",
    ),
    Field(
        "completed_on",
        "Ngày hoàn thành",
        ("Ngày hoàn thành", "Ngày hoàn thành thực tế", "Hoàn thành ngày", "Ngày báo cáo hoàn thành"),
        help="Có ngày hoàn thành: nhiệm vụ đã hoàn thành.",
    ),
    Field(
        "situation",
        "Tình hình thực hiện",
        (
            "Tình hình thực hiện",
            "Tình hình, kết quả thực hiện",
            "Kết quả thực hiện",
            "Tiến độ thực hiện",
            "Tiến độ",
            "Kết quả",
            "Tình hình",
        ),
        help="Thành cập nhật tình hình thực hiện đầu tiên của nhiệm vụ.",
    ),
    Field(
        "secrecy",
        "Độ mật",
        ("Độ mật", "Mức độ mật", "Mật"),
        help="Chỉ văn bản độ mật Thường (hoặc để trống) được nhập (khoản 2 Điều 5).",
    ),
    Field(
        "tracking_room",
        "Phòng theo dõi",
        ("Phòng theo dõi", "Phòng chuyên môn theo dõi"),
        help="Để trống: phòng theo dõi chọn chung cho tệp.",
    ),
    Field(
        "tracking_specialist",
        "Chuyên viên theo dõi",
        ("Chuyên viên theo dõi", "Người theo dõi", "Cán bộ theo dõi"),
        help="Họ tên hoặc tên đăng nhập; để trống: chuyên viên chọn chung cho tệp.",
    ),
)
BY_KEY = {f.key: f for f in FIELDS}
REQUIRED = tuple(f.key for f in FIELDS if f.required)
# Columns an office keeps for itself: never guessed as a field.
IGNORED = frozenset({"stt", "tt", "sothutu", "ghichu", "note"})
# A title longer than a known one that starts with it ("Nội dung nhiệm vụ được giao năm 2024") is that
# field too, but only for known titles this long: "Số" must not claim "Số thứ tự".
PREFIX_MIN = 6


_EXACT = {fold_title(h): (f.key, rank) for f in FIELDS for rank, h in enumerate(f.headers)}
_PREFIXES = sorted(
    (
        (fold_title(h), f.key, rank)
        for f in FIELDS
        for rank, h in enumerate(f.headers)
        if len(fold_title(h)) >= PREFIX_MIN
    ),
    key=lambda item: -len(item[0]),
)


def field_of(title: object) -> tuple[str, int] | None:
    """(field key, rank of the title among the field's known ones) for a column title, or None."""
    key = fold_title(title)
    if not key or key in IGNORED:
        return None
    if key in _EXACT:
        return _EXACT[key]
    for known, field, rank in _PREFIXES:  # longest known title first
        if key.startswith(known):
            return field, len(FIELDS[0].headers) + rank  # after every exact title of any field
    return None


def guess(titles: Sequence[object]) -> dict[str, int]:
    """{field key: column index} from a header row: each field takes the column whose title matches it
    best (an exact title before a longer one, a field's preferred title first, then the leftmost)."""
    best: dict[str, tuple[int, int]] = {}
    for index, title in enumerate(titles):
        found = field_of(title)
        if found is None:
            continue
        field, rank = found
        if field not in best or (rank, index) < best[field]:
            best[field] = (rank, index)
    return {field: index for field, (_, index) in best.items()}


def score(titles: Sequence[object]) -> int:
    """How many fields a row's cells name: the header row is the first row naming the most."""
    return len(guess(titles))


def column_name(index: int, title: object) -> str:
    """How a page names a column: its letter and title ("E — Đơn vị chủ trì")."""
    text = str(title).strip() if title is not None else ""
    return f"{get_column_letter(index + 1)} — {text}" if text else get_column_letter(index + 1)


def column_index(wanted: str, titles: Sequence[object]) -> int | None:
    """The column `wanted` names: a header title (folded) or a column letter ("E"); None if neither."""
    key = fold_title(wanted)
    for index, title in enumerate(titles):
        if key and fold_title(title) == key:
            return index
    letters = wanted.strip().upper()
    if letters.isalpha() and letters.isascii() and len(letters) <= 3:
        from openpyxl.utils import column_index_from_string

        index = column_index_from_string(letters) - 1
        return index if index < max(len(titles), 1) else None
    return None


def field_named(name: str) -> Field | None:
    """The field a --map or API key names: its key ("lead_unit") or its label, folded ("Don vi chu tri")."""
    if name in BY_KEY:
        return BY_KEY[name]
    key = fold_title(name)
    return next((f for f in FIELDS if fold_title(f.label) == key or fold_title(f.headers[0]) == key), None)
