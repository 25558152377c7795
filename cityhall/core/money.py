"""Money: integer won inside, 천원 on screen, 천원/백만원/억원 accepted on input."""

import re
from decimal import Decimal, InvalidOperation

UNITS = {
    "": 1,
    "원": 1,
    "천원": 1_000,
    "만원": 10_000,
    "백만원": 1_000_000,
    "천만원": 10_000_000,
    "억원": 100_000_000,
    "억": 100_000_000,
    "조원": 1_000_000_000_000,
}
_MONEY = re.compile(r"^\s*(?:약\s*)?(-?[\d,]+(?:\.\d+)?)\s*(천만원|백만원|천원|만원|억원|억|조원|원)?\s*$")


class MoneyError(ValueError):
    pass


def parse_money(value: object) -> tuple[int, int]:
    """Return ``(won, precision)`` for an int (won) or a string such as ``"102백만원"``.

    ``precision`` is the step the value was written in: ``"102백만원"`` → 1,000,000 won,
    ``"1.2억원"`` → 10,000,000 won. It lets the plan check compare a rounded restatement with
    the exact figure.
    """
    if isinstance(value, bool):
        raise MoneyError("금액은 숫자 또는 '50,000천원' 같은 문자열이어야 합니다.")
    if isinstance(value, int):
        return value, 1
    if not isinstance(value, str):
        raise MoneyError("금액은 숫자 또는 '50,000천원' 같은 문자열이어야 합니다.")
    match = _MONEY.match(value)
    if not match:
        raise MoneyError(f"금액 '{value}'을(를) 읽을 수 없습니다. 예: 750,548천원, 102백만원, 1.2억원")
    number_text, unit = match.group(1).replace(",", ""), match.group(2) or ""
    try:
        number = Decimal(number_text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
        raise MoneyError(f"금액 '{value}'을(를) 읽을 수 없습니다.") from exc
    scale = UNITS[unit]
    won = number * scale
    if won != won.to_integral_value():
        raise MoneyError(f"금액 '{value}'은(는) 원 단위 정수가 아닙니다.")
    decimals = len(number_text.split(".")[1]) if "." in number_text else 0
    precision = max(1, int(Decimal(scale) / (Decimal(10) ** decimals)))
    return int(won), precision


def thousand_won(won: int | None) -> int | Decimal | None:
    """Won as a 천원 number, for a report's cell: an int when it divides evenly (``750548000`` → ``750548``),
    else the exact Decimal (``1500`` → ``Decimal("1.5")``); ``None`` stays ``None``."""
    if won is None:
        return None
    thousands = Decimal(won) / 1000
    return int(thousands) if thousands == thousands.to_integral_value() else thousands


def format_thousand_won(won: int | None) -> str:
    """Show won as 천원 with thousands separators, as the documents do (``750548000`` → ``750,548``)."""
    thousands = thousand_won(won)
    if thousands is None:
        return "-"
    if isinstance(thousands, int):
        return f"{thousands:,}"
    return f"{thousands:,.3f}".rstrip("0").rstrip(".")
