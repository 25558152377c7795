"""The budget's plan-check rules (registered with the plan check in BudgetConfig.ready): funding shares
against the budget, percent shares against their amount, program parts against the whole."""

from __future__ import annotations

from decimal import Decimal

from cityhall.core.money import format_thousand_won
from cityhall.plans.checks import Mismatch

from .models import Program


def _money_mismatch(
    rule: str, program, source, label: str, stated: int, expected: int, message: str
) -> Mismatch:
    """A mismatch between two amounts of a program, ``source`` being the record whose line is cited."""
    return Mismatch(
        rule=rule,
        key=f"programs.{program.code}",
        label=label,
        section=source.section,
        line=source.line,
        stated=f"{format_thousand_won(stated)}천원",
        expected=f"{format_thousand_won(expected)}천원",
        message=message,
    )


def check_programs() -> list[Mismatch]:
    """Funding shares against the budget, percent shares against their amount, parts against the whole."""
    found: list[Mismatch] = []
    for program in Program.objects.prefetch_related("shares", "parts"):
        shares = list(program.shares.all())
        amounts = [s for s in shares if s.amount is not None]
        total = sum(s.amount for s in amounts)
        several_sources = len({s.source for s in amounts}) >= 2
        if (
            program.budget is not None
            and amounts
            and (total > program.budget or (several_sources and total != program.budget))
        ):
            parts = " + ".join(f"{s.get_source_display()} {format_thousand_won(s.amount)}" for s in amounts)
            found.append(
                _money_mismatch(
                    "funding-split",
                    program,
                    program,
                    f"{program.name} 재원",
                    program.budget,
                    total,
                    f"재원의 합({parts})이 사업비와 다릅니다.",
                )
            )
        for share in shares:
            if share.amount is None or share.percent is None or program.budget is None:
                continue
            expected = Decimal(program.budget) * share.percent / 100
            if abs(expected - share.amount) >= 1000:  # the documents write 천원
                label = f"{program.name} {share.get_source_display()} {share.percent.normalize()}%"
                found.append(
                    _money_mismatch(
                        "share-percent",
                        program,
                        share,
                        label,
                        share.amount,
                        int(round(expected, -3)),  # shown in 천원, as the documents write it
                        "비율로 계산한 금액과 다릅니다.",
                    )
                )
        parts = list(program.parts.all())
        if parts and program.budget is not None and all(p.budget is not None for p in parts):
            parts_total = sum(p.budget for p in parts)
            if parts_total != program.budget:
                found.append(
                    _money_mismatch(
                        "parts-sum",
                        program,
                        program,
                        f"{program.name} 세부사업",
                        program.budget,
                        parts_total,
                        "세부사업 사업비의 합이 사업비와 다릅니다.",
                    )
                )
    return found
