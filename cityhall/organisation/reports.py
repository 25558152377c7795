"""The office summary — the plan's section I 일반현황 (기구 및 인력, 주요업무, 주요현황) rebuilt from the
records — as an XLSX workbook (openpyxl) and as an HWPX document (python-hwpx), both through
``cityhall.core.exports``: the two formats a Korean city hall exchanges."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from cityhall.core.exports import HwpxReport, Sheet, hwpx_response, xlsx_response
from cityhall.core.money import thousand_won

from .selectors import GRADES, OfficeSummary, StaffingRow, SummaryDepartment
from .workload import CLASS_LABELS, NO_STAFF, WorkloadReport


def _year(summary: OfficeSummary) -> int:
    return summary.document.year if summary.document else 2025


def _title(summary: OfficeSummary) -> str:
    if summary.document:
        return summary.document.title
    return _("기획조정실 일반현황")


def organisation_line(summary: OfficeSummary) -> str:
    return _("□ 기구 : %(d)d과 %(t)d팀") % {"d": len(summary.departments), "t": summary.team_count}


def staffing_line(summary: OfficeSummary) -> str:
    total = summary.total
    return _("□ 인력 : 정원 %(q)d명 / 현원 %(c)d명, 정원외 인력 %(s)d명") % {
        "q": total.quota,
        "c": total.current,
        "s": total.supernumerary or 0,
    }


def staffing_headers() -> list[str]:
    return [_("구분"), _("계"), *[label for _grade, label in GRADES], _("정원외"), _("비고")]


def staffing_cells(row: StaffingRow) -> list:
    return [
        row.label,
        row.shown,
        *[c.shown for c in row.cells],
        row.supernumerary if row.supernumerary is not None else "",
        row.note,
    ]


def program_headers(year: int) -> list[str]:
    return [
        _("연번"),
        _("사업명"),
        _("'%(yy)02d년 사업비") % {"yy": year % 100},
        _("사업기간"),
        _("사업규모"),
        _("비고"),
    ]


def program_cells(program) -> list:
    return [
        program.number if program.number is not None else "",
        program.name,
        thousand_won(program.budget)
        if program.budget is not None
        else (_("비예산") if program.non_budget else ""),
        program.period,
        program.scale,
        program.note,
    ]


def committee_headers() -> list[str]:
    return [_("연번"), _("위원회명"), _("위원수"), _("위원장"), _("주요내용")]


def committee_cells(committee) -> list:
    return [
        committee.number if committee.number is not None else "",
        committee.name,
        committee.member_count if committee.member_count is not None else "",
        committee.chair,
        committee.purpose,
    ]


def facility_headers() -> list[str]:
    return [_("연번"), _("시설명"), _("장비"), _("주요내용")]


def facility_cells(facility) -> list:
    return [
        facility.number if facility.number is not None else "",
        facility.name,
        facility.equipment,
        facility.purpose,
    ]


def equipment_headers() -> list[str]:
    return [_("시스템"), _("장비"), _("위치"), _("수량"), _("단위"), _("개소"), _("설치시기"), _("비고")]


def equipment_cells(item) -> list:
    return [
        item.get_system_display(),
        item.kind,
        item.location,
        item.count if item.count is not None else "",
        item.unit,
        item.sites if item.sites is not None else "",
        item.installed,
        item.note,
    ]


def _as_of(department: SummaryDepartment) -> str:
    dates = sorted({e.as_of for g in department.equipment for e in g.items if e.as_of})
    return ", ".join(dates)


# -- XLSX ------------------------------------------------------------------------------------------


def summary_sheets(summary: OfficeSummary) -> list[Sheet]:
    year = _year(summary)
    sheets = [
        Sheet(
            title=_("기구"),
            note=organisation_line(summary),
            headers=[_("부서"), _("팀 수"), _("팀")],
            rows=[
                [d.unit.name, len(d.teams), ", ".join(t.name for t in d.teams)] for d in summary.departments
            ]
            + [[_("합계"), summary.team_count, ""]],
            widths={1: 16, 2: 8, 3: 60},
        ),
        Sheet(
            title=_("인력"),
            note=staffing_line(summary),
            headers=staffing_headers(),
            rows=[staffing_cells(summary.total)] + [staffing_cells(d.staffing) for d in summary.departments],
            widths={1: 16, 2: 9, 11: 8, 12: 10},
        ),
        Sheet(
            title=_("주요업무"),
            note=_("(단위 : 천원)"),
            headers=[_("부서"), _("주요업무"), _("%(year)d년 예산") % {"year": year}],
            rows=[
                [d.unit.name, "\n".join(f"• {duty}" for duty in d.unit.duties), thousand_won(d.unit.budget)]
                for d in summary.departments
            ]
            + [[_("합계"), "", thousand_won(summary.budget_total)]],
            widths={1: 16, 2: 70, 3: 16},
        ),
    ]
    for d in summary.departments:
        total = sum(p.budget or 0 for p in d.programs)
        sheets.append(
            Sheet(
                title=_("주요사업(%(name)s)") % {"name": d.unit.name},
                note=_("□ %(name)s 주요사업 예산현황 (단위 : 천원)") % {"name": d.unit.name},
                headers=program_headers(year),
                rows=[program_cells(p) for p in d.programs]
                + [[_("합계"), "", thousand_won(total), "", "", ""]],
                widths={1: 6, 2: 36, 3: 14, 4: 14, 5: 60, 6: 12},
            )
        )
    sheets.append(
        Sheet(
            title=_("위원회"),
            note=_("위원회 현황"),
            headers=[_("부서"), *committee_headers()],
            rows=[[d.unit.name, *committee_cells(c)] for d in summary.departments for c in d.committees],
            widths={1: 14, 2: 6, 3: 32, 4: 8, 5: 18, 6: 70},
        )
    )
    sheets.append(
        Sheet(
            title=_("시설물"),
            note=_("주요 시설물 현황"),
            headers=[_("부서"), *facility_headers()],
            rows=[[d.unit.name, *facility_cells(f)] for d in summary.departments for f in d.facilities],
            widths={1: 14, 2: 6, 3: 14, 4: 50, 5: 60},
        )
    )
    as_of = ", ".join(filter(None, (_as_of(d) for d in summary.departments)))
    sheets.append(
        Sheet(
            title=_("장비현황"),
            note=_("주요 장비현황 (기준일 : %(date)s)") % {"date": as_of} if as_of else _("주요 장비현황"),
            headers=[_("부서"), *equipment_headers()],
            rows=[
                [d.unit.name, *equipment_cells(e)]
                for d in summary.departments
                for g in d.equipment
                for e in g.items
            ],
            widths={1: 14, 2: 14, 3: 12, 4: 32, 5: 8, 6: 6, 7: 6, 8: 10, 9: 36},
        )
    )
    return sheets


def summary_xlsx(summary: OfficeSummary) -> HttpResponse:
    return xlsx_response(_("기획조정실 일반현황.xlsx"), summary_sheets(summary))


# -- HWPX ------------------------------------------------------------------------------------------


def summary_hwpx_bytes(summary: OfficeSummary) -> bytes:
    year = _year(summary)
    w = HwpxReport()
    w.title(_("%(title)s — I. 일반현황") % {"title": _title(summary)})

    w.heading(_("기구 및 인력"))
    w.paragraph(organisation_line(summary), bold=True)
    w.table(
        [_("부서"), _("팀 수"), _("팀")],
        [[d.unit.name, len(d.teams), ", ".join(t.name for t in d.teams)] for d in summary.departments],
        [3, 1, 8],
    )
    w.paragraph(staffing_line(summary), bold=True)
    w.table(
        staffing_headers(),
        [staffing_cells(summary.total)] + [staffing_cells(d.staffing) for d in summary.departments],
        [3, 2, 1, 1, 1, 2, 2, 2, 2, 1, 1],
    )

    w.heading(_("주요업무"))
    w.paragraph(_("(단위 : 천원)"))
    w.table(
        [_("부서"), _("주요업무"), _("%(year)d년 예산") % {"year": year}],
        [
            [d.unit.name, "\n".join(f"• {duty}" for duty in d.unit.duties), thousand_won(d.unit.budget)]
            for d in summary.departments
        ]
        + [[_("합계"), "", thousand_won(summary.budget_total)]],
        [2, 7, 2],
    )

    w.heading(_("주요현황(예산, 시설, 단체, 위원회 등)"))
    for d in summary.departments:
        w.paragraph(f"□ {d.unit.name}", bold=True)
        if d.programs:
            w.paragraph(_("○ 주요사업 예산현황 (단위 : 천원)"))
            total = sum(p.budget or 0 for p in d.programs)
            w.table(
                program_headers(year),
                [program_cells(p) for p in d.programs] + [[_("합계"), "", thousand_won(total), "", "", ""]],
                [1, 4, 2, 2, 5, 1],
            )
        if d.facilities or d.equipment:
            as_of = _as_of(d)
            w.paragraph(
                _("○ 주요 시설물 및 장비현황")
                + (_(" (기준일 : %(date)s)") % {"date": as_of} if as_of else "")
            )
        if d.facilities:
            w.table(facility_headers(), [facility_cells(f) for f in d.facilities], [1, 2, 5, 5])
        for group in d.equipment:
            w.paragraph(f"- {group.label}")
            w.table(
                equipment_headers()[1:],
                [equipment_cells(e)[1:] for e in group.items],
                [2, 4, 1, 1, 1, 2, 3],
            )
        if d.committees:
            w.paragraph(_("○ 위원회 현황"))
            w.table(committee_headers(), [committee_cells(c) for c in d.committees], [1, 4, 1, 2, 7])
    return w.to_bytes()


def summary_hwpx(summary: OfficeSummary) -> HttpResponse:
    return hwpx_response(_("기획조정실 일반현황.hwpx"), summary_hwpx_bytes(summary))


# -- 조직진단: workload analysis -------------------------------------------------------------------


def _num(value) -> float | str:
    return "" if value is None else float(value)


def workload_sheets(report: WorkloadReport) -> list[Sheet]:
    hours = (
        int(report.hours_per_person_year)
        if report.hours_per_person_year == int(report.hours_per_person_year)
        else float(report.hours_per_person_year)
    )
    sample = _("예시 자료 포함: 팀별 현원과 업무량은 가상의 수치입니다. ") if report.has_sample else ""
    explain = [
        [_("소요인력(명)"), _("Σ(연간 업무량 × 단위당 표준시간) ÷ 1인 연간 근무시간")],
        [_("1인 연간 근무시간"), hours],
        [_("비율"), _("소요인력 ÷ 현원")],
        [_("과부하"), _("비율 > %(over)s") % {"over": report.over}],
        [_("적정"), _("%(under)s ≤ 비율 ≤ %(over)s") % {"under": report.under, "over": report.over}],
        [_("여유"), _("비율 < %(under)s") % {"under": report.under}],
        [_("과부족(명)"), _("소요인력 − 현원 (양수 = 인력 부족)")],
        [_("현원 0명"), str(CLASS_LABELS[NO_STAFF])],
        [
            _("유사 업무 비교"),
            _("같은 유형 업무의 팀별 연간 업무시간 ÷ 팀 현원 = 1인당 시간; 그룹 중앙값 대비 편차(%)"),
        ],
        [_("예시 자료"), _("예") if report.has_sample else _("아니오")],
    ]
    teams = [
        [
            t.team.parent.name if t.team.parent_id else "",
            t.team.name,
            len(t.counted_tasks),
            _num(t.hours),
            _num(t.required_shown),
            t.current if t.current is not None else "",
            _num(t.gap),
            _num(t.ratio_shown),
            t.label,
            "; ".join(t.problems),
        ]
        for t in report.teams
    ]
    teams += [
        [
            d.unit.name,
            _("계"),
            "",
            _num(d.hours),
            _num(d.required_shown),
            d.current,
            "",
            _num(d.ratio_shown),
            "",
            "",
        ]
        for d in report.departments
    ]
    tasks = [
        [
            t.team.name,
            x.task.name,
            x.task.get_category_display(),
            x.task.annual_volume,
            x.task.unit,
            _num(x.task.standard_hours),
            _num(x.hours),
            _("예") if x.task.is_sample else "",
            x.problem,
        ]
        for t in report.teams
        for x in t.tasks
    ]
    similar = [
        [c.label, m.team.team.name, _num(m.hours), _num(m.per_person), _num(c.median), _num(m.deviation)]
        for c in report.categories
        for m in c.members
    ]
    return [
        Sheet(
            _("산식"),
            [_("항목"), _("설명")],
            explain,
            note=sample + _("조직진단 업무량 분석 기준"),
            widths={1: 18, 2: 70},
        ),
        Sheet(
            _("팀별 소요인력"),
            [
                _("부서"),
                _("팀"),
                _("단위업무 수"),
                _("연간 업무시간"),
                _("소요인력(명)"),
                _("현원(명)"),
                _("과부족(명)"),
                _("비율"),
                _("판정"),
                _("확인 필요"),
            ],
            teams,
            note=sample + _("소요인력 = 연간 업무시간 ÷ %(hours)s시간") % {"hours": hours},
        ),
        Sheet(
            _("단위업무"),
            [
                _("팀"),
                _("단위업무"),
                _("업무 유형"),
                _("연간 업무량"),
                _("단위"),
                _("표준시간(시간)"),
                _("연간 업무시간"),
                _("예시"),
                _("확인 필요"),
            ],
            tasks,
            note=sample + _("연간 업무시간 = 연간 업무량 × 표준시간"),
        ),
        Sheet(
            _("유사 업무 비교"),
            [
                _("업무 유형"),
                _("팀"),
                _("연간 업무시간"),
                _("1인당 시간"),
                _("그룹 중앙값"),
                _("중앙값 대비(%)"),
            ],
            similar,
            note=sample + _("1인당 시간 = 유형별 연간 업무시간 ÷ 팀 현원"),
        ),
    ]


def workload_xlsx(report: WorkloadReport) -> HttpResponse:
    return xlsx_response(_("조직진단_업무량분석.xlsx"), workload_sheets(report))
