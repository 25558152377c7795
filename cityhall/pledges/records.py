"""Pledge record types. Check-ins and rounds change only through the workflow services
(``services.checkin_*``, ``round_*``), so their generic CRUD is office-wide only (owner None)."""

from cityhall.core.records import register

from .models import CheckinRound, Pledge, PledgeCheckin, PledgeMilestone

register(
    "pledges",
    Pledge,
    owner="lead_department",
    search=("code", "title", "goal"),
    filters=("category", "status", "lead_department", "sample"),
    columns=("number", "title", "category", "lead_department", "status", "progress"),
)
register("pledge_milestones", PledgeMilestone, owner="pledge__lead_department", search=("title",))
register("checkin_rounds", CheckinRound, owner=None, filters=("year", "state"))
register("pledge_checkins", PledgeCheckin, owner=None, filters=("round", "review", "status"))
