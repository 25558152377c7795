"""The result report of a process as a 한글 document (HWPX): the rule, each heading's count and every
project with the reason it won or lost (the same sentences as the results page)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cityhall.core.exports import HwpxReport

from . import selectors
from .choices import CountingRule
from .models import Process

HEADERS = ["순위", "번호", "사업명", "사업비(원)", "득표", "결과", "선정·미선정 이유"]


def results_hwpx(process: Process) -> bytes:
    report = HwpxReport()
    report.title(_("%(title)s 결과 보고") % {"title": process.title})
    rule = str(CountingRule(process.counting_rule).label)
    if process.counting_rule == CountingRule.COMBINED:
        weights = {"c": process.committee_weight, "v": process.vote_weight}
        rule += _(" (위원회 %(c)s%% · 투표 %(v)s%%)") % weights
    report.paragraph(_("집계 방식: %(rule)s. 집계 방식은 투표 시작 전에 확정되었습니다.") % {"rule": rule})
    if process.sample:
        report.paragraph(
            _("예시 자료입니다: 제안과 투표는 예시이며, 합계는 주요업무계획의 수치를 재현합니다.")
        )
    for number, part in enumerate(selectors.results(process), start=1):
        heading = part["heading"]
        report.heading(f"{number}. {heading.name}")
        tally = part["tally"]
        if tally is None:
            report.paragraph(_("아직 집계하지 않았습니다."))
            continue
        winners = [row for row in part["rows"] if row.won]
        report.paragraph(
            _("투표 %(ballots)s명, 예산 %(budget)s원 중 %(spent)s원, %(n)s건 선정")
            % {
                "ballots": f"{tally.ballots:,}",
                "budget": f"{heading.budget:,}",
                "spent": f"{tally.result['spent']:,}",
                "n": len(winners),
            }
        )
        report.table(
            HEADERS,
            [
                [
                    row.rank,
                    row.number,
                    row.title,
                    row.cost,
                    row.votes,
                    _("선정") if row.won else _("미선정"),
                    row.explanation,
                ]
                for row in part["rows"]
            ],
            widths=[1, 1, 5, 2, 1, 1, 7],
        )
    return report.to_bytes()
