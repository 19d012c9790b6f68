"""The simulated province's directory: Văn phòng UBND tỉnh, sở, ban, ngành and communes, and their people.

Units and users are loaded through the directory import (engine.directory), the one way a real
install's directory is written, so the simulation's directory meets every check a real one meets."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from engine.auth.service import Principal
from engine.directory import service as directory
from engine.directory.rows import Parsed, Source, UnitRow, UserRow

VP_CODE, VP_TYPE = "VP_UBND", "Văn phòng UBND tỉnh"
SO_TYPE, COMMUNE_TYPE = "Sở, ban, ngành", "UBND cấp xã/phường"
PASSWORD = "mo-phong-2015"  # the simulation's users never sign in; create_user wants one

DEPARTMENTS = [
    ("SO_TC", "Sở Tài chính"),
    ("SO_XD", "Sở Xây dựng"),
    ("SO_NV", "Sở Nội vụ"),
    ("SO_YT", "Sở Y tế"),
    ("SO_GDDT", "Sở Giáo dục và Đào tạo"),
    ("SO_NNMT", "Sở Nông nghiệp và Môi trường"),
    ("SO_CT", "Sở Công Thương"),
    ("SO_TP", "Sở Tư pháp"),
    ("SO_VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SO_KHCN", "Sở Khoa học và Công nghệ"),
    ("SO_DTTG", "Sở Dân tộc và Tôn giáo"),
    ("SO_NG", "Sở Ngoại vụ"),
    ("TTR", "Thanh tra tỉnh"),
    ("BQL_KKT", "Ban Quản lý Khu kinh tế tỉnh"),
    ("BQL_DA", "Ban Quản lý dự án đầu tư xây dựng tỉnh"),
    ("DAI_PTTH", "Đài Phát thanh và Truyền hình tỉnh"),
    ("BHXH", "Bảo hiểm xã hội tỉnh"),
    ("CA", "Công an tỉnh"),
    ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh"),
    ("TRUONG_CD", "Trường Cao đẳng Lào Cai"),
    ("VP_DDBQH", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh"),
    ("QUY_DTPT", "Quỹ Đầu tư phát triển tỉnh"),
    ("TT_PVHCC", "Trung tâm Phục vụ hành chính công tỉnh"),
    ("BQL_VQG", "Ban Quản lý Vườn quốc gia Hoàng Liên"),
]
WARDS = ["Cam Đường", "Lào Cai", "Sa Pa", "Yên Bái", "Nghĩa Lộ", "Văn Phú", "Âu Lâu", "Nam Cường"]
COMMUNES = (
    "Bát Xát, Bắc Hà, Mường Khương, Si Ma Cai, Bảo Thắng, Bảo Yên, Văn Bàn, Cốc San, Phong Hải, Gia Phú, "
    "Xuân Quang, Tằng Loỏng, Phố Lu, Nghĩa Đô, Vĩnh Yên, Xuân Hòa, Võ Lao, Khánh Yên, Dương Quỳ, Chiềng Ken, "
    "Minh Lương, Nậm Chày, Tả Phìn, Tả Van, Bản Hồ, Ngũ Chỉ Sơn, Y Tý, A Mú Sung, Trịnh Tường, Bản Xèo, "
    "Mường Hum, Dền Sáng, Pha Long, Cao Sơn, Bản Lầu, Lùng Phình, Bảo Nhai, Cốc Lầu, Bản Liền, Tả Củ Tỷ, "
    "Lùng Cải, Sín Chéng, Trấn Yên, Lục Yên, Mù Cang Chải, Trạm Tấu, Văn Chấn, Yên Bình, Thác Bà, Cảm Nhân, "
    "Mậu A, Đông Cuông, Lâm Thượng, Khánh Hòa, Phúc Lợi, Tân Lĩnh, Hưng Khánh, Cát Thịnh, Sơn Lương, Tú Lệ"
).split(", ")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Lò", "Giàng", "Hà", "Lương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc", "Quang", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Chiến", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Long", "Mai"]
GIVEN += ["Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Tuấn", "Vân", "Yến", "Khánh"]


@dataclass(frozen=True)
class Person:
    """One simulated user: a row of the users table and the principal its service calls run as."""

    username: str
    full_name: str
    roles: tuple[str, ...]
    unit_code: str | None

    def principal(self) -> Principal:
        """The identity its service calls run as."""
        return Principal(self.username, self.full_name, frozenset(self.roles), self.unit_code)


@dataclass
class Province:
    """The directory the simulation writes, and who is who in it."""

    units: list[tuple[str, str, str]]  # (code, name, unit type)
    people: dict[str, Person] = field(default_factory=dict)
    _by_role: dict[tuple[str, str | None], list[Person]] = field(default_factory=dict, repr=False)

    @property
    def departments(self) -> list[str]:
        """Codes of the sở, ban, ngành."""
        return [code for code, _, kind in self.units if kind == SO_TYPE]

    @property
    def communes(self) -> list[str]:
        """Codes of the communes and wards."""
        return [code for code, _, kind in self.units if kind == COMMUNE_TYPE]

    @property
    def reporting(self) -> list[str]:
        """Codes of every unit but VP (which consolidates instead of reporting)."""
        return [code for code, _, kind in self.units if kind != VP_TYPE]

    def name_of(self, code: str) -> str:
        """The unit's name."""
        return next(name for c, name, _ in self.units if c == code)

    def with_role(self, role: str, unit_code: str | None = None) -> list[Person]:
        """The people holding `role` (in `unit_code`), in the order they were created."""
        key = (role, unit_code)
        if key not in self._by_role:
            self._by_role[key] = [
                p
                for p in self.people.values()
                if role in p.roles and (unit_code is None or p.unit_code == unit_code)
            ]
        return self._by_role[key]


def generate(units: int, rng: random.Random) -> Province:
    """VP plus about 40% sở, ban, ngành and 60% communes and wards; a leader and a staff member each,
    VP specialists (one per 15 units), two VP leaders (one the Chánh Văn phòng), the Chairman and a
    Vice-Chairman, an analyst and an administrator."""
    others = units - 1
    departments = min(len(DEPARTMENTS), max(2, round(others * 0.4)))
    communes = others - departments
    rows = [(VP_CODE, "Văn phòng UBND tỉnh", VP_TYPE)]
    rows += [(code, name, SO_TYPE) for code, name in DEPARTMENTS[:departments]]
    places = [("P", f"UBND phường {w}") for w in WARDS] + [("X", f"UBND xã {c}") for c in COMMUNES]
    for i in range(communes):
        prefix, name = places[i % len(places)]
        if i >= len(places):
            name = f"{name} {i // len(places) + 1}"
        rows.append((f"{prefix}_{_ascii(name.split(' ', 2)[2])}_{i + 1}", name, COMMUNE_TYPE))
    province = Province(rows)
    names: set[str] = set()

    def add(username: str, roles: tuple[str, ...], unit: str | None) -> None:
        province.people[username] = Person(username, _full_name(rng, names), roles, unit)

    for i in range(max(2, units // 15)):
        add(f"cv{i + 1}", ("vp_specialist",), VP_CODE)
    add("ldvp1", ("vp_leadership", "vp_chief"), VP_CODE)  # Chánh Văn phòng
    add("ldvp2", ("vp_leadership",), VP_CODE)
    add("chutich", ("province_leadership", "chairman"), VP_CODE)
    add("phochutich", ("province_leadership",), VP_CODE)
    add("nghiepvu", ("analyst",), VP_CODE)
    add("quantri", ("admin",), VP_CODE)
    for code, _, kind in rows:
        if kind != VP_TYPE:
            add(f"{code.lower()}.lanhdao", ("unit_leader",), code)
            add(f"{code.lower()}.daumoi", ("unit_staff",), code)
    return province


def populate(*, session: Session, province: Province, today: date, now: datetime) -> None:
    """Import the units and the users, as `theodoi directory import` would."""
    units = [
        UnitRow(where=Source("simulation", "units", n), code=code, name=name, unit_type=kind)
        for n, (code, name, kind) in enumerate(province.units, start=2)
    ]
    users = [
        UserRow(
            where=Source("simulation", "users", n),
            username=p.username,
            full_name=p.full_name,
            roles=p.roles,
            unit_code=p.unit_code,
        )
        for n, p in enumerate(province.people.values(), start=2)
    ]
    directory.import_directory(
        session=session,
        parsed=Parsed(units=units, users=users),
        today=today,
        now=now,
        actor="simulation",
        new_password=lambda: PASSWORD,
    )


def _full_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name not in taken or len(taken) > 2000:
            taken.add(name)
            return name


def _ascii(text: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return folded.replace("đ", "d").replace("Đ", "D").upper().replace(" ", "_")
