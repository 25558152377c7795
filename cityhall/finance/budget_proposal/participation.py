"""The budget proposal's side of 주민참여예산: when a process is counted, its funded projects become
items of the next year's budget proposal; each project page links to its item. Registered with
the participation app in ``FinanceConfig.ready`` (finance is above participation: it reads the
funded projects through participation's selectors; participation imports nothing of finance)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cityhall.core.audit import Actor
from cityhall.core.money import format_thousand_won
from cityhall.participation import selectors as participation
from cityhall.participation.services import ResultLink

from ..choices import CouncilDecision, ProposalSource
from ..models import ProposedItem
from .services import SourceProject, participatory_projects_reflect


def on_counted(*, process, actor: Actor) -> None:
    participatory_projects_reflect(
        source_code=process.code,
        year=process.year + 1,
        projects=[
            SourceProject(
                number=p.number,
                title=p.title,
                amount=p.cost,
                department_id=p.department_id,
                district=p.district,
                url=p.url,
            )
            for p in participation.funded_projects(process)
        ],
        actor=actor,
        sample=process.sample,
    )


def links(process_code: str, numbers: list[int]) -> dict[int, ResultLink]:
    items = ProposedItem.objects.filter(
        source=ProposalSource.PARTICIPATORY, source_code=process_code, source_number__in=numbers
    )
    return {
        item.source_number: ResultLink(
            label=_label(item),
            url=f"{reverse('finance:budget_proposal')}?year={item.year}#item-{item.pk}",
        )
        for item in items
    }


def _label(item: ProposedItem) -> str:
    values = {"year": item.year, "amount": format_thousand_won(item.amount)}
    if item.council_decision == CouncilDecision.PENDING:
        return _("%(year)s년 예산안 반영 사업 (요구액 %(amount)s천원, 의회 의결 전)") % values
    return _("%(year)s년 예산안 반영 사업 (요구액 %(amount)s천원, 의회 %(decision)s %(decided)s천원)") % {
        **values,
        "decision": item.get_council_decision_display(),
        "decided": format_thousand_won(item.decided_amount or 0),
    }
