"""The demo's yearly inspection plans (Đ12.1.a) as the plan page's form would send them, their dates
written as working-day offsets like the rest of the story."""

from __future__ import annotations

from typing import Any

from engine.demo.days import Days


def plan_values(days: Days, plan: dict) -> dict[str, Any]:
    """create_plan's values: the plan is for the year of its first item's day, so that item falls in the
    replayed months whatever today is; each item's month is that of its "month_of" day, within that year."""
    year = days.day(plan["items"][0]["month_of"]).year
    items = [
        {
            "inspected_unit": item["inspected_unit"],
            "planned_month": _month_within(days, year, item["month_of"]),
            "contents": item["contents"],
        }
        for item in plan["items"]
    ]
    return {"year": year, "title": plan["title"].format(year=year), "items": items}


def _month_within(days: Days, year: int, offset: int) -> int:
    """The month of day(offset), or the plan year's last (first) month for a day after (before) it."""
    day = days.day(offset)
    return day.month if day.year == year else (12 if day.year > year else 1)
