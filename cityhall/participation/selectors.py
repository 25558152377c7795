"""Reads of the participation engine: processes and their open phase, proposals with filters,
results with every project's explanation, statistics, the Pabulib export. Public reads never show
internal notes; nothing here joins a ballot to a voter."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cityhall.core.money import format_thousand_won

from . import cache, counting, pabulib, services
from .choices import CountingRule, PhaseKind, ProcessKind, ProposalStatus, ReviewStage
from .models import (
    Ballot,
    Conflict,
    Heading,
    Participation,
    Process,
    Proposal,
    StageDecision,
    Verification,
)

PUBLIC_STATUSES = [s for s in ProposalStatus.values if s != ProposalStatus.WITHDRAWN]


def processes() -> QuerySet[Process]:
    return Process.objects.prefetch_related("phases", "headings").annotate(
        proposal_count=Count("proposals", distinct=True)
    )


def process(code: str) -> Process | None:
    return Process.objects.prefetch_related("phases", "headings", "categories").filter(code=code).first()


@dataclass(frozen=True)
class PaperItem:
    """One line of the ballot paper, formatted once (not per request by the template):
    ``paper_lines`` puts ``opening``, `` checked`` for the voter's choices, ``label`` and ``link``
    together, so nothing is resolved, localised or escaped per project and request."""

    number: int
    title: str
    cost: int
    cost_display: str
    url: str
    opening: str = ""  # <input … (the tag is closed by the page, after " checked" if chosen)
    label: str = ""  # <label …>N. title <span class="cost">1,234,000 (the page adds 원)
    link: str = ""  # <a href="…"> (the page adds 자세히)
    closing: str = ""  # the number for screen readers, </a>


def _paper_item(number: int, title: str, cost: int, url: str) -> PaperItem:
    return PaperItem(
        number=number,
        title=title,
        cost=cost,
        cost_display=f"{cost:,}",
        url=url,
        opening=format_html(
            '<input type="checkbox" id="b-{}" name="projects" value="{}" data-cost="{}"', number, number, cost
        ),
        label=format_html(
            '<label for="b-{}">{}. {} <span class="cost">{}', number, number, title, f"{cost:,}"
        ),
        link=format_html('<a href="{}">', url),
        closing=format_html('<span class="visually-hidden"> {}</span></a>', number),
    )


def paper_lines(paper: list[PaperItem], chosen: set[int]) -> SafeString:
    """The ballot paper's ``<li>`` lines with the voter's choices ticked. Joined here rather than by a
    template loop: on the vote page, voting day's busiest, the loop was a tenth of the page's CPU time."""
    won, more = _("원"), _("자세히")
    return format_html_join(
        "",
        "<li>{}{}>\n{}{}</span></label>\n{}{}{}</li>",
        (
            (p.opening, " checked" if p.number in chosen else "", p.label, won, p.link, more, p.closing)
            for p in paper
        ),
    )


def ballot_process(code: str) -> Process | None:
    """The process as the ballot page needs it: its phases and headings, not its categories; read
    from this server process's memory when read in the last ``BALLOT_CACHE_SECONDS``."""
    found = cache.fresh(cache.processes.get(code))
    if found is None:
        found = Process.objects.prefetch_related("phases", "headings").filter(code=code).first()
        if found is not None:
            cache.keep(cache.processes, code, found)
    return found


def ballot_paper_items(process: Process, heading: Heading) -> list[PaperItem]:
    """The ballot paper as the vote page shows it (cached like ``ballot_process``)."""
    found = cache.fresh(cache.papers.get(heading.pk))
    if found is not None:
        return found
    from django.urls import reverse

    prefix = reverse("participation:proposals", args=[process.code])
    items = [
        _paper_item(number, title, cost, f"{prefix}{number}/")
        for number, title, cost in (
            (number, title, revised if revised is not None else estimated)
            for number, title, revised, estimated in heading.proposals.filter(status=ProposalStatus.ELIGIBLE)
            .order_by("number")
            .values_list("number", "title", "revised_cost", "estimated_cost")
        )
    ]
    cache.keep(cache.papers, heading.pk, items)
    return items


def process_exists(code: str) -> bool:
    return Process.objects.filter(code=code).exists()


def first_heading(process: Process) -> Heading | None:
    """The ballot's heading from the prefetched ones (a process votes on its first heading by code)."""
    return min(process.headings.all(), key=lambda h: h.code, default=None)


def open_phase(process: Process) -> str | None:
    return services.open_phase(process)


def proposals(
    process: Process, *, status: str = "", category: int | None = None, district: str = "", text: str = ""
) -> QuerySet[Proposal]:
    queryset = process.proposals.select_related("category", "heading", "department").filter(
        status__in=PUBLIC_STATUSES
    )
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category_id=category)
    if district:
        queryset = queryset.filter(district=district)
    if text:
        queryset = queryset.filter(Q(title__icontains=text) | Q(description__icontains=text))
    return queryset.order_by("number")


def proposal(process: Process, number: int) -> Proposal | None:
    return (
        process.proposals.select_related("category", "heading", "merged_into", "department")
        .prefetch_related("history")
        .filter(number=number)
        .first()
    )


@dataclass(frozen=True)
class FundedProject:
    """A project the count funded, as the budget proposal takes it over (amount in won)."""

    number: int
    title: str
    cost: int
    department_id: int | None
    district: str
    url: str


def funded_projects(process: Process) -> list[FundedProject]:
    """The selected projects of a 주민참여예산 process (none for a suggestion round), by number."""
    from django.urls import reverse

    if process.kind != ProcessKind.BUDGET:
        return []
    return [
        FundedProject(
            number=p.number,
            title=p.title,
            cost=p.cost,
            department_id=p.department_id,
            district=p.district,
            url=reverse("participation:proposal", args=[process.code, p.number]),
        )
        for p in process.proposals.filter(status=ProposalStatus.SELECTED).order_by("number")
    ]


def located_proposals(found: QuerySet[Proposal] | None = None) -> QuerySet[Proposal]:
    """The one rule for every map of proposals: a public proposal (any status but withdrawn) with both
    coordinates — of ``found`` (a list's filtered query) or of every process. Merged duplicates stay
    on the map, in their own legend colour, as they stay in the list and keep their page."""
    base = Proposal.objects.all() if found is None else found
    return base.filter(status__in=PUBLIC_STATUSES, latitude__isnull=False, longitude__isnull=False)


def proposal_features(user=None) -> list[dict[str, Any]]:
    """The located proposals (``located_proposals``), as GeoJSON points for the shared map (gis):
    public facts only (title, process, status, cost, page); sample positions say 예시."""
    from django.urls import reverse

    rows = located_proposals().select_related("process").order_by("process__code", "number")
    return [
        {
            "type": "Feature",
            "id": f"{p.process.code}-{p.number}",
            "geometry": {"type": "Point", "coordinates": [float(p.longitude), float(p.latitude)]},
            "properties": {
                "title": p.title,
                "process": p.process.title,
                "status": str(p.get_status_display()),
                "cost": p.cost,
                "district": p.district,
                "position": _("예시 위치") if p.sample else _("제안자가 표시한 위치"),
                "url": reverse("participation:proposal", args=[p.process.code, p.number]),
            },
        }
        for p in rows
    ]


def proposal_map_states() -> list[Any]:
    """The map legend's states: one per public status, each in its own tone."""
    from cityhall.gis.live import LiveState

    tones = {
        ProposalStatus.SUBMITTED: "info",
        ProposalStatus.REVIEWING: "idle",
        ProposalStatus.ELIGIBLE: "warn",
        ProposalStatus.NOT_ELIGIBLE: "none",
        ProposalStatus.SELECTED: "ok",
        ProposalStatus.NOT_SELECTED: "bad",
        ProposalStatus.MERGED: "lost",
    }
    return [
        LiveState(key=s, label=ProposalStatus(s).label, tone=tones[ProposalStatus(s)])
        for s in PUBLIC_STATUSES
    ]


def proposal_points(process: Process, found: QuerySet[Proposal]) -> list[Any]:
    """The located proposals of ``found`` (the list's filtered query; ``located_proposals``) as the
    shared map's points:
    number, title, status, field, district, cost and the page — public facts only, nothing of the
    proposer. Sample positions say 예시 위치."""
    from cityhall.gis.live import LivePoint

    prefix = f"/participation/{process.code}/proposals/"
    return [
        LivePoint(
            id=f"{process.code}-{p.number}",
            lat=float(p.latitude),
            lon=float(p.longitude),
            state=p.status,
            title=f"{p.number}. {p.title}",
            href=f"{prefix}{p.number}/",
            properties={
                _("상태"): str(p.get_status_display()),
                _("분야"): p.category.name if p.category else "-",
                _("지역"): p.district or "-",
                _("사업비"): _("%(won)s원") % {"won": f"{p.cost:,}"},
                _("위치"): _("예시 위치") if p.sample else _("제안자가 표시한 위치"),
            },
        )
        for p in located_proposals(found)
    ]


def ballot_paper(heading: Heading) -> list[Proposal]:
    return list(
        heading.proposals.filter(status=ProposalStatus.ELIGIBLE).select_related("category").order_by("number")
    )


def my_ballot(process: Process, verification: Verification | None) -> list[int] | None:
    """The verified voter's current choices, found again through the keyed hash (ADR 0013)."""
    if verification is None:
        return None
    from .identity import ballot_key

    # One row at most (the key is unique): no ORDER BY (nor the model's ordering, which joins the
    # heading and the process) to build and run, only the choices read.
    found = Ballot.objects.filter(ballot_key=ballot_key(process.pk, verification.person_key)).order_by()
    projects = next(iter(found.values_list("projects", flat=True)[:1]), None)
    return None if projects is None else list(projects)


def verification(user) -> Verification | None:
    """The account's verification (one per account: the column is unique)."""
    if not user.is_authenticated:
        return None
    return next(iter(Verification.objects.filter(user=user).order_by()[:1]), None)


@dataclass
class ResultRow:
    number: int
    title: str
    cost: int
    votes: int
    won: bool
    rank: int
    explanation: str
    score: str


REASONS = {
    "funded": "선정",
    "budget": "예산 부족",
    "over_ceiling": "예산 한도 초과",
    "no_votes": "득표 없음",
    "not_affordable": "지지자 몫 부족",
}


def _explain(rule: str, row: dict[str, Any]) -> str:
    cost, before, needed = row["cost"], row["remaining_before"], row["needed"]
    if row["won"]:
        return _("선정: 차례가 왔을 때 남은 예산 %(before)s천원 안에 사업비 %(cost)s천원이 들어감") % {
            "before": format_thousand_won(before),
            "cost": format_thousand_won(cost),
        }
    if row["reason"] == "over_ceiling":
        return _("미선정: 사업비가 예산 한도보다 큼 (어떤 득표로도 선정 불가)")
    if rule == CountingRule.EQUAL_SHARES:
        held = _(
            "미선정: 지지자들에게 남은 몫 %(held)s천원으로 사업비 %(cost)s천원을 낼 수 없음 (%(short)s천원 부족)"  # noqa: E501
        )
        text = held % {
            "held": format_thousand_won(before),
            "cost": format_thousand_won(cost),
            "short": format_thousand_won(row["shortfall"]),
        }
        if needed is not None:
            text += _("; 지지자가 최소 %(needed)s명이었다면 선정 가능") % {"needed": needed}
        return text
    text = _("미선정: 차례가 왔을 때 남은 예산 %(before)s천원, 사업비 %(cost)s천원 (%(short)s천원 부족)") % {
        "before": format_thousand_won(before),
        "cost": format_thousand_won(cost),
        "short": format_thousand_won(row["shortfall"]),
    }
    if needed is not None:
        from fractions import Fraction
        from math import ceil

        votes = ceil(Fraction(needed))
        text += _("; %(needed)s표(지금보다 %(more)s표 더)였다면 선정") % {
            "needed": f"{votes:,}",
            "more": f"{votes - row['votes']:,}",
        }
    return text


def results(process: Process) -> list[dict[str, Any]]:
    """Per heading: the frozen tally (if counted) with a sentence for every project."""
    out = []
    for heading in process.headings.select_related("tally").all():
        tally = getattr(heading, "tally", None)
        if tally is None:
            out.append({"heading": heading, "tally": None, "rows": []})
            continue
        titles = dict(heading.proposals.values_list("number", "title"))
        rows = [
            ResultRow(
                number=row["number"],
                title=titles.get(row["number"], ""),
                cost=row["cost"],
                votes=row["votes"],
                won=row["won"],
                rank=row["rank"],
                explanation=_explain(tally.rule, row),
                score=row["score"],
            )
            for row in sorted(tally.result["projects"], key=lambda r: r["rank"])
        ]
        out.append({"heading": heading, "tally": tally, "rows": rows})
    return out


def results_json(process: Process) -> dict[str, Any]:
    return {
        "process": process.code,
        "rule": process.counting_rule,
        "weights": {"committee": process.committee_weight, "vote": process.vote_weight},
        "headings": [
            {
                "heading": part["heading"].code,
                "budget": part["heading"].budget,
                "ballots": part["tally"].ballots if part["tally"] else 0,
                "spent": part["tally"].result["spent"] if part["tally"] else None,
                "winners": part["tally"].result["winners"] if part["tally"] else [],
                "projects": [row.__dict__ for row in part["rows"]],
            }
            for part in results(process)
        ],
    }


def pabulib_export(process: Process, heading: Heading | None = None) -> str:
    """One heading's election as a ``.pb`` file (the first heading unless named)."""
    heading = heading or process.headings.order_by("code").first()
    assert heading is not None
    ballots = list(
        Ballot.objects.filter(heading=heading).order_by("ballot_key").values_list("projects", flat=True)
    )
    votes = Counter(n for ballot in ballots for n in ballot)
    tally = (
        getattr(heading, "tally", None)
        if Heading.objects.filter(pk=heading.pk, tally__isnull=False).exists()
        else None
    )
    winners = set(tally.result["winners"]) if tally else None
    proposals_on_ballot = heading.proposals.filter(
        status__in=(ProposalStatus.ELIGIBLE, ProposalStatus.SELECTED, ProposalStatus.NOT_SELECTED)
    ).select_related("category")
    projects = [
        pabulib.ExportProject(
            number=p.number,
            cost=p.cost,
            votes=votes.get(p.number, 0),
            name=p.title,
            category=p.category.name if p.category else "",
            selected=None if winners is None else p.number in winners,
        )
        for p in proposals_on_ballot
    ]
    voting = process.phases.filter(kind=PhaseKind.VOTING).first()
    rule = {
        CountingRule.GREEDY: "greedy",
        CountingRule.EQUAL_SHARES: "equalshares",
        CountingRule.COMBINED: "combined",
    }[CountingRule(process.counting_rule)]
    meta: dict[str, object] = {
        "description": process.title,
        "country": "South Korea",
        "unit": "Gimpo",
        "subunit": heading.name,
        "instance": process.year,
        "budget": heading.budget,
        "vote_type": "approval",
        "rule": rule,
        "date_begin": voting.starts_at.date().isoformat() if voting else "",
        "date_end": voting.ends_at.date().isoformat() if voting else "",
        "min_length": process.min_projects or 1,
    }
    if process.max_projects:
        meta["max_length"] = process.max_projects
    if process.ballot_kind == "knapsack":
        meta["max_sum_cost"] = heading.budget
    if process.sample:
        meta["comment"] = "sample data (예시)"
    return pabulib.write(meta=meta, projects=projects, ballots=ballots)


def statistics(process: Process) -> dict[str, Any]:
    """Participation by channel, age band and district (from the roll; never from ballots)."""
    roll = Participation.objects.filter(process=process)
    bands: Counter[str] = Counter()
    for birth_year in roll.values_list("birth_year", flat=True):
        age = process.year - birth_year
        bands[f"{min(age // 10 * 10, 70)}대" if age >= 20 else "10대"] += 1
    stats: dict[str, Any] = {}
    if process.kind == "suggestion":
        proposers = (
            process.proposals.exclude(author=None)
            .values("author__username")
            .annotate(n=Count("id"))
            .filter(n__gte=2)
            .order_by("-n", "author__username")
        )
        adopted = process.proposals.exclude(grade="").exclude(grade="not_adopted")
        stats["many_suggestions"] = [(row["author__username"], row["n"]) for row in proposers[:20]]
        stats["adopting_departments"] = [
            (row["department__name"] or "-", row["n"])
            for row in adopted.values("department__name")
            .annotate(n=Count("id"))
            .order_by("-n", "department__name")
        ]
        stats["awards"] = sum(adopted.values_list("award", flat=True))
    return stats | {
        "voters": roll.count(),
        "by_channel": dict(roll.values_list("channel").annotate(n=Count("id")).order_by("channel")),
        "by_age": dict(sorted(bands.items())),
        "by_district": dict(roll.values_list("district").annotate(n=Count("id")).order_by("-n", "district")),
        "proposals": dict(process.proposals.values_list("status").annotate(n=Count("id")).order_by("status")),
    }


def review_queue(user, process: Process) -> QuerySet[Proposal]:
    """What this user may review: all for the process's staff, their departments' otherwise."""
    queryset = (
        process.proposals.filter(status__in=(ProposalStatus.SUBMITTED, ProposalStatus.REVIEWING))
        .select_related("department", "category")
        .order_by("review_due", "number")
    )
    if services.is_staff(user, process):
        return queryset
    from cityhall.core.permissions import CHANGE, scope_of

    return queryset.filter(department_id__in=scope_of(user).departments[CHANGE])


def score_sheet(process: Process, member) -> list[tuple[Proposal, Any]]:
    """The eligible proposals and this member's line for each (None before scoring)."""
    from .models import CommitteeScore

    mine = {s.proposal_id: s for s in CommitteeScore.objects.filter(proposal__process=process, member=member)}
    eligible = process.proposals.filter(status=ProposalStatus.ELIGIBLE).order_by("number")
    return [(p, mine.get(p.pk)) for p in eligible]


def gradable(process: Process) -> QuerySet[Proposal]:
    """A suggestion round's eligible and already graded suggestions."""
    return process.proposals.filter(
        status__in=(ProposalStatus.ELIGIBLE, ProposalStatus.SELECTED, ProposalStatus.NOT_SELECTED)
    ).order_by("number")


@dataclass
class GradingRow:
    """One suggestion on 제안심사위원회's sheet: each stage's decision so far, the citizens' votes and
    the combined score with the round's published weights (``counting.combined_score``)."""

    proposal: Proposal
    working: StageDecision | None
    committee: StageDecision | None
    votes: int | None
    share: float | None  # percent of the round's ballots
    committee_score: float | None
    combined: float | None


def grading_board(process: Process) -> list[GradingRow]:
    """The grading sheet, by combined score when citizens voted, else by number."""
    voted = services.has_citizen_vote(process)
    votes = services.suggestion_votes(process) if voted else Counter()
    ballots = Ballot.objects.filter(heading__process=process).count() if voted else 0
    weights = counting.Weights(process.committee_weight, process.vote_weight)
    rows = []
    suggestions = (
        gradable(process)
        .select_related("department")
        .prefetch_related("stages")
        .annotate(mean_score=Avg("scores__score"))
    )
    for p in suggestions:
        stages = {s.stage: s for s in p.stages.all()}
        mean = Fraction(p.mean_score).limit_denominator(10_000) if p.mean_score is not None else Fraction(0)
        project = counting.Project(p.number, p.cost, votes[p.number], mean)
        combined = counting.combined_score(project, weights, ballots) if voted else None
        rows.append(
            GradingRow(
                proposal=p,
                working=stages.get(ReviewStage.WORKING),
                committee=stages.get(ReviewStage.COMMITTEE),
                votes=votes[p.number] if voted else None,
                share=round(100 * votes[p.number] / ballots, 1) if ballots else (0.0 if voted else None),
                committee_score=round(float(mean), 1) if p.mean_score is not None else None,
                combined=round(float(combined), 1) if combined is not None else None,
            )
        )
    if voted:
        rows.sort(key=lambda r: (-(r.combined or 0), r.proposal.number))
    return rows


def conflicts() -> QuerySet[Conflict]:
    return Conflict.objects.select_related("process", "user").all()


def process_summary(process: Process) -> dict[str, Any]:
    return {
        "proposals": process.proposals.count(),
        "selected": process.proposals.filter(status=ProposalStatus.SELECTED).count(),
        "selected_cost": sum(p.cost for p in process.proposals.filter(status=ProposalStatus.SELECTED)),
        "voters": Participation.objects.filter(process=process).count(),
    }


def proposals_prefetch() -> Prefetch:
    return Prefetch("proposals", queryset=Proposal.objects.order_by("number"))
