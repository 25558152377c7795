"""A department's work plan as the documents a city hall exchanges: XLSX (openpyxl) and HWPX (python-hwpx,
the 한글 format), both through ``cityhall.core.exports``.

Both are built from ``selectors.department_plan`` so they state the same figures; money is in 천원.
"""

from __future__ import annotations

from cityhall.core.exports import HwpxReport, Sheet, workbook
from cityhall.core.money import format_thousand_won, thousand_won

from .models import TaskOwner
from .selectors import DepartmentPlan

LEVEL_MARKS = ("○", "-", "·", "·")


def _person(owner: TaskOwner) -> str:
    person = owner.person
    text = f"{person.title} {person.name}" if person.title else person.name
    if person.extension:
        text += f" (내선 {person.extension})"
    return text


def _people(owners: list[TaskOwner]) -> str:
    return ", ".join(_person(o) for o in owners)


def _partner(partner) -> str:
    return f"{partner.name} ({partner.note})" if partner.note else partner.name


def _shares(program) -> str:
    parts = []
    for share in program.shares.all():
        value = []
        if share.amount is not None:
            value.append(format_thousand_won(share.amount))
        if share.percent is not None:
            value.append(f"{share.percent.normalize():f}%")
        parts.append(f"{share.get_source_display()} {' / '.join(value)}")
    return ", ".join(parts)


def file_stem(plan: DepartmentPlan) -> str:
    return f"{plan.year}-{plan.department.code}-plan"


def title(plan: DepartmentPlan) -> str:
    return f"{plan.year}년 {plan.department.name} 주요업무계획"


# -- XLSX -----------------------------------------------------------------------------------------


def plan_sheets(plan: DepartmentPlan) -> list[Sheet]:
    tasks = plan.tasks
    task_rows = [
        (
            t.number,
            t.title,
            "\n".join(f"❖ {g}" for g in t.goals),
            _people(t.department_heads),
            _people(t.team_leads),
            _people(t.staff),
            "\n".join(_partner(p) for p in t.partners.all()),
            t.source_label,
        )
        for t in tasks
    ]
    item_rows = [
        (t.number, i.get_kind_display(), i.heading, i.level, i.text, i.source_label)
        for t in tasks
        for i in t.items.all()
    ]
    milestone_rows = [
        (
            t.number,
            m.period,
            m.period_start,
            m.period_end,
            m.action,
            m.get_stage_display(),
            "완료" if m.done else "",
            m.done_on,
            m.source_label,
        )
        for t in tasks
        for m in t.milestones.all()
    ]
    program_rows = [
        (
            p.number,
            p.name,
            p.org_unit.name,
            f"{p.task.number}. {p.task.title}" if p.task_id else "",
            p.year,
            thousand_won(p.budget),
            "비예산" if p.non_budget else "",
            p.period,
            p.executing_unit,
            _shares(p),
            p.note,
            p.source_label,
        )
        for p in plan.programs
    ]
    return [
        Sheet(
            "과제",
            ["번호", "과제명", "목표", "과장", "팀장", "담당자", "협조부서", "출처"],
            task_rows,
            note=title(plan),
            widths={2: 40, 3: 60, 4: 22, 5: 28, 6: 40, 7: 40, 8: 16},
        ),
        Sheet(
            "과제 내용",
            ["과제 번호", "구분", "제목", "수준", "내용", "출처"],
            item_rows,
            widths={3: 30, 5: 80, 6: 16},
        ),
        Sheet(
            "추진일정",
            ["과제 번호", "기간", "시작", "종료", "내용", "단계", "완료", "완료일", "출처"],
            milestone_rows,
            widths={2: 16, 3: 12, 4: 12, 5: 60, 8: 12, 9: 16},
        ),
        Sheet(
            "사업",
            [
                "연번",
                "사업명",
                "부서",
                "업무계획 과제",
                "연도",
                "사업비",
                "비예산",
                "사업기간",
                "시행 부서",
                "재원",
                "비고",
                "출처",
            ],
            program_rows,
            note="(단위 : 천원)",
            widths={2: 40, 3: 14, 4: 40, 6: 14, 8: 16, 10: 30, 11: 30, 12: 16},
        ),
    ]


def plan_xlsx(plan: DepartmentPlan) -> bytes:
    return workbook(plan_sheets(plan))


# -- HWPX -----------------------------------------------------------------------------------------


def plan_hwpx(plan: DepartmentPlan) -> bytes:
    """The plan as a 한글 document: a title, a summary table, then per task its goals, items (□ by
    heading, ○/- by level), a milestone table, a program table, owners and partners.

    Headings are bold paragraphs that carry their own numbers (the task's number as the plan states
    it) rather than 한글's outline numbering, which would renumber a department with a gap."""
    doc = HwpxReport()

    def heading(text: str) -> None:
        doc.paragraph(text, bold=True, size=14)

    def subheading(text: str) -> None:
        doc.paragraph(text, bold=True, size=11)

    doc.title(title(plan), size=18)
    source = plan.document.title if plan.document else ""
    doc.paragraph(
        f"{plan.department.name} · 과제 {len(plan.tasks)}건" + (f" · 출처: {source}" if source else "")
    )

    heading("과제 목록")
    doc.table(
        ["번호", "과제명", "추진일정", "과장", "팀장"],
        [
            [
                str(t.number),
                t.title,
                f"{len(t.milestones.all())}건",
                ", ".join(o.person.name for o in t.department_heads),
                ", ".join(o.person.name for o in t.team_leads),
            ]
            for t in plan.tasks
        ],
        [8, 46, 12, 17, 17],
    )

    for task in plan.tasks:
        heading(f"{task.number}. {task.title}")
        for goal in task.goals:
            doc.paragraph(f"❖ {goal}")
        headings: dict[tuple[str, str], list] = {}
        for item in task.items.all():
            headings.setdefault((item.get_kind_display(), item.heading), []).append(item)
        for (kind_label, label), items in headings.items():
            subheading(f"□ {label or kind_label}")
            for item in items:
                mark = LEVEL_MARKS[min(item.level, len(LEVEL_MARKS) - 1)]
                doc.paragraph(f"{'  ' * (item.level + 1)}{mark} {item.text}")
        milestones = list(task.milestones.all())
        if milestones:
            subheading("□ 추진일정")
            doc.table(
                ["기간", "내용", "단계", "완료"],
                [
                    [m.period, m.action, str(m.get_stage_display()), "완료" if m.done else ""]
                    for m in milestones
                ],
                [20, 56, 14, 10],
            )
        programs = [p for p in plan.programs if p.task_id == task.pk]
        if programs:
            subheading("□ 관련 사업 (단위: 천원)")
            doc.table(
                ["사업명", "사업비", "사업기간", "시행 부서"],
                [
                    [
                        p.name,
                        "비예산" if p.non_budget else format_thousand_won(p.budget),
                        p.period,
                        p.executing_unit,
                    ]
                    for p in programs
                ],
                [46, 18, 18, 18],
            )
        owners = task.department_heads + task.team_leads + task.staff
        doc.paragraph("추진부서: " + " / ".join(_person(o) for o in owners))
        partners = list(task.partners.all())
        if partners:
            doc.paragraph("협조부서: " + ", ".join(_partner(p) for p in partners))
    return doc.to_bytes()
