"""Endpoints under /api/v1/participation/: a process's results with the explanation, and casting
or changing a ballot (the signed-in, verified voter). Thin: services check the same rules as the
pages; a rejected ballot answers 422 with the reason and records nothing."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from cityhall.core.api import Problems
from cityhall.core.audit import Actor

from . import selectors, services

router = Router(tags=["주민참여"])


class BallotIn(Schema):
    projects: list[int]


class BallotOut(Schema):
    process: str
    projects: list[int]
    replaced: bool


def _process(code: str):
    process = selectors.process(code)
    if process is None:
        raise Http404(_("참여 절차를 찾을 수 없습니다."))
    return process


@router.get("/{code}/results", response=dict[str, Any], summary="집계 결과와 사업별 설명")
def results(request, code: str):
    return selectors.results_json(_process(code))


@router.post("/{code}/ballot", response={200: BallotOut, 422: Problems}, summary="투표하기 (바꾸기)")
def ballot(request, code: str, body: BallotIn):
    process = _process(code)
    heading = process.headings.order_by("code").first()
    replaced = services.ballot_cast(
        process=process, heading=heading, projects=body.projects, actor=Actor.for_user(request.user)
    )
    return {"process": process.code, "projects": sorted(set(body.projects)), "replaced": replaced}
