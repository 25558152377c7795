"""Plan periods as the documents write them: ``'25. 4. ~ 11.``, ``연 중``, ``2025. 분기별`` …"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

DEFAULT_YEAR = 2025


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    recurrence: str = ""  # "quarterly", "monthly", "" (once / continuous)

    def contains_month(self, year: int, month: int) -> bool:
        if self.start is None:
            return False
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        return self.start <= last and (self.end is None or self.end >= first)


def _year(token: str) -> int:
    return 2000 + int(token) if len(token) == 2 else int(token)


def _side(text: str, year: int | None) -> tuple[int | None, int | None, int | None]:
    """Parse one side of a range into (year, month, day); missing parts are None."""
    text = text.replace("월", ".").replace("일", ".")
    years = re.findall(r"'(\d{2})", text)
    text = re.sub(r"'\d{2}", " ", text)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    y = _year(years[0]) if years else None
    if numbers and numbers[0] >= 1900:
        y = numbers.pop(0)
    month = numbers.pop(0) if numbers else None
    day = numbers.pop(0) if numbers else None
    if numbers:
        raise PeriodError("기간에 숫자가 너무 많습니다.")
    return (y if y is not None else year), month, day


def parse_period(text: str, default_year: int = DEFAULT_YEAR) -> Period:
    """Parse a period as written in a plan; raise PeriodError with a Korean reason otherwise."""
    raw = (text or "").strip()
    if not raw:
        raise PeriodError("기간이 비어 있습니다.")
    compact = raw.replace(" ", "")
    if compact in {"연중", "연중상시", "상시"}:
        return Period(date(default_year, 1, 1), date(default_year, 12, 31))
    recurrence = ""
    for word, name in (("분기별", "quarterly"), ("매월", "monthly"), ("월별", "monthly"), ("수시", "ad hoc")):
        if word in compact:
            recurrence = name
            compact = compact.replace(word, "")
    # "'25.8월부터": from that month on, open-ended; "'25.7월까지": by that month (kept as the month).
    open_ended = compact.endswith("부터") and "~" not in compact
    for suffix in ("까지", "부터"):
        compact = compact.replace(suffix, "")
    if open_ended:
        compact += "~"
    # "2023~2024년": whole years
    years = re.fullmatch(r"(\d{4})년?~(\d{4})년?", compact)
    if years:
        first, last = int(years.group(1)), int(years.group(2))
        if last < first:
            raise PeriodError(f"기간 '{raw}'의 끝이 시작보다 앞섭니다.")
        return Period(date(first, 1, 1), date(last, 12, 31), recurrence)
    if not re.fullmatch(r"[\d.'~\-월일]*", compact):
        raise PeriodError(f"기간 '{raw}'을(를) 읽을 수 없습니다. 예: 2025. 3. ~ 8., '25. 4. ~ 11., 연 중")
    left, _, right = compact.partition("~")
    try:
        y1, m1, d1 = _side(left, None)
        if y1 is None:
            y1 = default_year
        if recurrence and m1 is None:
            return Period(date(y1, 1, 1), date(y1, 12, 31), recurrence)
        if m1 is None:
            if "~" in compact and not right:
                return Period(date(y1, 1, 1), None)  # "2024. ~": from that year on
            return Period(date(y1, 1, 1), date(y1, 12, 31), recurrence)
        start = date(y1, m1, d1 or 1)
        if "~" not in compact:
            end = date(y1, m1, d1 or calendar.monthrange(y1, m1)[1])
            return Period(start, end, recurrence)
        if not right:
            return Period(start, None, recurrence)
        y2, m2, d2 = _side(right, y1)
        if m2 is None or y2 is None:
            raise PeriodError(f"기간 '{raw}'에 끝 달이 없습니다.")
        end = date(y2, m2, d2 or calendar.monthrange(y2, m2)[1])
    except PeriodError:
        raise
    except (ValueError, IndexError) as exc:  # date() rejects month 13, day 32 …
        raise PeriodError(
            f"기간 '{raw}'의 날짜가 올바르지 않습니다 (달 1~12, 날은 그 달의 날수 안)."
        ) from exc
    if end < start:
        raise PeriodError(f"기간 '{raw}'의 끝이 시작보다 앞섭니다.")
    return Period(start, end, recurrence)
