"""지방공공기관 writes: the seed's corporation and the 예시 funded bodies, with 예시 2024 reviews."""

from __future__ import annotations

from django.db import transaction

from cityhall.core.audit import Actor
from cityhall.organisation.models import OrgUnit

from ..models import InstitutionReview, PublicInstitution
from ..services import save_audited
from . import samples

TEAM = "public-institutions"  # 공공기관팀 (예산법무과)


@transaction.atomic
def institutions_load_sample(*, actor: Actor) -> int:
    team = OrgUnit.objects.get(code=TEAM)
    written = 0
    for code, name, kind, budget, line, _sample in samples.INSTITUTIONS:
        if PublicInstitution.objects.filter(code=code).exists():
            continue
        obj = PublicInstitution(code=code, name=name, kind=kind, department=team, budget=budget)
        if line:
            obj.section, obj.line = "I.3", line
        save_audited(actor, "public_institutions", obj, None)
        written += 1
    by_code = {i.code: i for i in PublicInstitution.objects.all()}
    for code, grade, satisfaction, due, done, entrusted in samples.REVIEWS:
        if InstitutionReview.objects.filter(institution=by_code[code], year=2024).exists():
            continue
        review = InstitutionReview(
            institution=by_code[code],
            year=2024,
            management_grade=grade,
            satisfaction=satisfaction,
            disclosures_due=due,
            disclosures_done=done,
            entrusted_score=entrusted,
            improvement="예시 자료입니다: 경영평가·고객만족도 결과 환류 계획",
        )
        save_audited(actor, "institution_reviews", review, None)
    return written
