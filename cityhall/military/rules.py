"""The default rule table (the decree as enacted, in force since 2020-11-27), one row per rule with its
source. ``verified`` rows were checked against the decree's text; ``is_setting`` rows are the city's
reading where the text could not be checked here, and can be changed by publishing a new version."""

from __future__ import annotations

from datetime import date

from .compensation import MoveInBand, RuleTable

DECREE = (
    "「군용비행장·군사격장 소음 방지 및 피해 보상에 관한 법률 시행령」(대통령령 제31173호, 2020.11.27. 시행)"
)
AMOUNT_SOURCE = f"{DECREE} 보상금 지급기준 — 구역별 월 기준금액"
MOVE_IN_SOURCE = f"{DECREE} 보상금 지급기준 — 전입 시기에 따른 감액"

DEFAULT_VERSION = {
    "code": "decree-2020",
    "title": "군소음보상법 시행령 제정 (2020.11.27. 시행)",
    "effective_from": date(2020, 11, 27),
    "note": "법 제14조·시행령 보상금 지급기준. 근무지 감액률과 감액 합산 방식은 시 설정값.",
}

DEFAULT_ROWS = [
    {"kind": "zone_amount", "key": "1", "amount": 60_000, "source": AMOUNT_SOURCE, "verified": True},
    {"kind": "zone_amount", "key": "2", "amount": 45_000, "source": AMOUNT_SOURCE, "verified": True},
    {"kind": "zone_amount", "key": "3", "amount": 30_000, "source": AMOUNT_SOURCE, "verified": True},
    {
        "kind": "move_in",
        "key": "1989",
        "rate": 30,
        "starts_on": date(1989, 1, 1),
        "ends_on": date(2010, 12, 31),
        "source": MOVE_IN_SOURCE,
        "verified": True,
    },
    {
        "kind": "move_in",
        "key": "2011",
        "rate": 50,
        "starts_on": date(2011, 1, 1),
        "source": MOVE_IN_SOURCE,
        "verified": True,
    },
    {
        "kind": "before_base",
        "key": "exempt",
        "rate": 0,
        "source": f"{MOVE_IN_SOURCE} 단서 (군용비행장 설치 전 전입은 감액하지 않음)",
        "verified": True,
    },
    {
        "kind": "workplace",
        "key": "outside",
        "rate": 30,
        "is_setting": True,
        "source": f"{DECREE} 보상금 감액 — 사업장·근무지가 소음대책지역 밖 (원문 미확인, 시 설정값)",
    },
    {
        "kind": "cap",
        "key": "sum",
        "rate": 100,
        "is_setting": True,
        "source": "감액 사유가 겹치면 감액률을 합산하되 100%를 넘지 않음 (시 설정값)",
    },
]


def table_from_rows(version_code: str, rows) -> RuleTable:
    """A ``RuleTable`` from rule rows (model instances or dicts with the same keys)."""

    def get(row, name, default=None):
        return row.get(name, default) if isinstance(row, dict) else getattr(row, name, default)

    amounts, sources, bands = {}, {}, []
    before_base, before_base_source = False, ""
    workplace_rate, workplace_source, cap = 0, "", 100
    for row in rows:
        kind = get(row, "kind")
        if kind == "zone_amount":
            amounts[get(row, "key")] = int(get(row, "amount"))
            sources[get(row, "key")] = get(row, "source")
        elif kind == "move_in":
            bands.append(
                MoveInBand(
                    get(row, "starts_on"), get(row, "ends_on"), int(get(row, "rate")), get(row, "source")
                )
            )
        elif kind == "before_base":
            before_base, before_base_source = True, get(row, "source")
        elif kind == "workplace":
            workplace_rate, workplace_source = int(get(row, "rate")), get(row, "source")
        elif kind == "cap":
            cap = int(get(row, "rate"))
    return RuleTable(
        version=version_code,
        zone_amounts=amounts,
        zone_sources=sources,
        move_in_bands=tuple(sorted(bands, key=lambda b: b.start)),
        before_base_exempt=before_base,
        before_base_source=before_base_source,
        workplace_rate=workplace_rate,
        workplace_source=workplace_source,
        cap=cap,
    )


def default_table() -> RuleTable:
    return table_from_rows(DEFAULT_VERSION["code"], DEFAULT_ROWS)
