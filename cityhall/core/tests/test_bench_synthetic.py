"""The synthetic data of ``cityhall bench --scale N`` (benchmarks/synthetic.py): what each scale adds,
labelled, on top of the Gimpo plan and the demo's samples."""

from datetime import date

import pytest
from django.db.models import Sum

from benchmarks import synthetic
from cityhall.budget.models import Program
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.organisation.models import OrgUnit
from cityhall.plans.models import Achievement, WorkPlanTask
from cityhall.pledges.models import CheckinRound, Pledge, PledgeCheckin
from cityhall.pledges.services import pledges_load_sample
from cityhall.streetlights.models import RepairOrder, SiteEnergyDay, Streetlight
from cityhall.streetlights.registry.services import registry_build_from_seed
from cityhall.telemetry.models import DailyRollup

TODAY = date(2025, 6, 30)


@pytest.fixture
def demo(db):
    pledges_load_sample()
    registry_build_from_seed(actor=Actor.system("test"))


def test_scale_one_adds_rounds_repairs_and_a_year_of_rollups_but_no_copies(demo):
    events = AuditEvent.objects.count()
    counts = synthetic.generate(1, today=TODAY, rollup_days=3)

    assert OrgUnit.objects.count() == 23
    assert Pledge.objects.count() == 56
    assert CheckinRound.objects.count() == 4
    assert list(CheckinRound.objects.filter(state="open").values_list("year", "quarter")) == [(2025, 4)]
    assert PledgeCheckin.objects.count() == 4 * 56
    assert RepairOrder.objects.count() == 300
    assert RepairOrder.objects.exclude(status="closed").count() == 3
    assert DailyRollup.objects.count() == 638 * 3
    assert DailyRollup.objects.filter(simulated=False).count() == 0
    # one create event per round, check-in and repair order; assigned and closed for a closed order
    assert AuditEvent.objects.count() - events == 4 + 224 + 300 + 2 * 297
    assert counts["core.AuditEvent"] == 4 + 224 + 300 + 2 * 297
    assert counts["telemetry.DailyRollup"] == 1914
    # the energy report's per-site daily totals of the same days: every light is one site's, 100 W
    sites = Streetlight.objects.values("site").distinct().count()
    assert counts["streetlights.SiteEnergyDay"] == SiteEnergyDay.objects.count() == sites * 3
    assert SiteEnergyDay.objects.aggregate(
        n=Sum("devices"), wh=Sum("energy_wh"), sim=Sum("simulated_devices")
    ) == {
        "n": 1914,
        "wh": DailyRollup.objects.aggregate(wh=Sum("energy_wh"))["wh"],
        "sim": 1914,
    }


def test_scale_two_copies_the_office_as_labelled_synthetic_departments_a_year_earlier(demo):
    synthetic.generate(2, today=TODAY, rollup_days=3)

    departments = OrgUnit.objects.filter(kind="department")
    assert departments.count() == 8
    copy = departments.get(code="smart-city-syn-1")
    assert copy.name == "합성 1 스마트도시과"
    assert copy.parent.code == "office"  # the office itself is not copied
    assert OrgUnit.objects.filter(kind="team", parent=copy).count() == 4
    assert WorkPlanTask.objects.count() == 48
    assert WorkPlanTask.objects.filter(department=copy).count() == 5
    originals = dict(Program.objects.exclude(code__endswith="-syn-1").values_list("code", "year"))
    copies = dict(Program.objects.filter(code__endswith="-syn-1").values_list("code", "year"))
    assert len(originals) == len(copies) == 57  # the seed's programs, ITS phase 2 included
    assert copies == {f"{code}-syn-1": year - 1 for code, year in originals.items()}  # a plan year earlier
    assert Achievement.objects.filter(year=2023).count() == 26
    pledge = Pledge.objects.get(code="sample-01-syn-1")
    assert (pledge.number, pledge.title[:5]) == (58, "합성 1 ")
    assert pledge.lead_department.code.endswith("-syn-1")
    assert Pledge.objects.count() == 112
    assert CheckinRound.objects.count() == 8
    # this year's rounds check every pledge, last year's the original ones
    assert PledgeCheckin.objects.filter(round__year=2025).count() == 4 * 112
    assert PledgeCheckin.objects.filter(round__year=2024).count() == 4 * 56
    assert RepairOrder.objects.count() == 600
    assert RepairOrder.objects.exclude(status="closed").count() == 6
    assert DailyRollup.objects.count() == 638 * 3  # the year of roll-ups does not grow with the scale


def test_scale_must_be_positive(demo):
    with pytest.raises(ValueError, match="at least 1"):
        synthetic.generate(0, today=TODAY)
    assert RepairOrder.objects.count() == 0
