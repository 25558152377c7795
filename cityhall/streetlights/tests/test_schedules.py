"""Editing a site's dimming schedule: every problem at the row it was typed in, nothing saved unless
all is valid, permission of the owning department, audited."""

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.streetlights.models import SiteSchedule, StreetlightSite
from cityhall.streetlights.operations import dimming as operation
from cityhall.streetlights.operations.schedules import RowProblem, ScheduleInvalid, can_edit, schedule_save


@pytest.fixture
def site(registry):
    return StreetlightSite.objects.get(code="HAGUN6")


def problems_of(site, rows, name=""):
    with pytest.raises(ScheduleInvalid) as caught:
        schedule_save(site=site, rows=rows, name=name, actor=Actor.system("test"))
    return caught.value.problems


class TestSave:
    def test_create_then_update_is_audited(self, site, roles):
        actor = Actor.for_user(roles["editor"])
        saved = schedule_save(
            site=site, rows=[("일몰", "00:00", "100"), ("00:00", "일출", "40%")], name="자정 40", actor=actor
        )
        assert saved.periods == [["일몰", "00:00", 100], ["00:00", "일출", 40]]
        assert saved.as_schedule().periods[1].level == 40
        schedule_save(site=site, rows=[("sunset", "sunrise", "70")], name="", actor=actor)
        saved.refresh_from_db()
        assert saved.periods == [["sunset", "sunrise", 70]] and saved.name == ""
        events = list(AuditEvent.objects.filter(record_type="site_schedules").order_by("id"))
        assert [e.action for e in events] == ["create", "update"]
        assert events[1].before == {
            "name": "자정 40",
            "periods": [["일몰", "00:00", 100], ["00:00", "일출", 40]],
        }
        assert events[1].after == {"name": "", "periods": [["sunset", "sunrise", 70]]}
        assert events[1].actor == "sc-editor"

    def test_saving_the_same_again_writes_nothing(self, site):
        rows = [("일몰", "일출", "100")]
        schedule_save(site=site, rows=rows, actor=Actor.system("test"))
        schedule_save(site=site, rows=rows, actor=Actor.system("test"))
        assert AuditEvent.objects.filter(record_type="site_schedules").count() == 1

    def test_blank_rows_are_skipped_but_rows_keep_their_numbers(self, site):
        problems = problems_of(
            site, [("", "", ""), ("일몰", "23:00", "100"), ("  ", "", ""), ("23:30", "일출", "50")]
        )
        assert problems == [
            RowProblem(
                4,
                "",
                "gap",
                "앞 구간 종료 23:00와 시작 23:30 사이가 비어 있습니다 (소등하려면 밝기 0% 구간을 넣으세요).",
            )
        ]

    def test_every_problem_is_reported_at_its_row_and_part(self, site):
        problems = problems_of(
            site, [("일몰", "24:00", "100"), ("23:00", "일출", "많이"), ("05:00", "일출", "101")]
        )
        assert [(p.row, p.part, p.code) for p in problems] == [
            (1, "end", "bad_time"),
            (2, "level", "bad_level"),
            (3, "level", "level_range"),
        ]
        assert problems[0].message == "'24:00'은(는) 시각이 아닙니다. 'HH:MM', '일몰' 또는 '일출'을 쓰세요."
        assert str(problems[2]) == "구간 3: 밝기 101%는 0~100% 범위를 벗어납니다."
        assert not SiteSchedule.objects.exists()

    def test_order_problems(self, site):
        problems = problems_of(site, [("22:00", "23:00", "100"), ("22:30", "05:00", "50")])
        assert [(p.row, p.code) for p in problems] == [(1, "no_sunset"), (2, "no_sunrise"), (2, "overlap")]

    def test_backwards_period(self, site):
        [problem] = problems_of(
            site, [("일몰", "05:00", "100"), ("05:00", "04:00", "10"), ("04:00", "일출", "10")]
        )
        assert (problem.row, problem.code) == (2, "empty_period")

    def test_nothing_at_all(self, site):
        [problem] = problems_of(site, [("", "", "")] * 3)
        assert (problem.row, problem.code, str(problem)) == (
            0,
            "empty",
            "스케줄: 구간이 하나 이상 있어야 합니다.",
        )

    def test_name_too_long(self, site):
        problems = problems_of(site, [("일몰", "일출", "100")], name="가" * 101)
        assert [(p.row, p.part, p.code) for p in problems] == [(0, "name", "too_long")]

    def test_an_invalid_edit_keeps_the_old_schedule(self, site):
        schedule_save(site=site, rows=[("일몰", "일출", "80")], actor=Actor.system("test"))
        problems_of(site, [("일몰", "일출", "800")])
        assert SiteSchedule.objects.get(site=site).periods == [["일몰", "일출", 80]]

    def test_a_stored_schedule_parses_like_the_default(self, site):
        rows = [
            [start, end, str(level)]
            for start, end, level in [
                ("sunset", "23:00", 100),
                ("23:00", "05:00", 50),
                ("05:00", "sunrise", 100),
            ]
        ]
        saved = schedule_save(site=site, rows=rows, actor=Actor.system("test"))
        assert saved.as_schedule().periods == operation.DEFAULT_SCHEDULE.periods


class TestPermission:
    @pytest.mark.parametrize(
        "role, expected",
        [
            ("viewer", False),
            ("editor", True),
            ("manager", True),
            ("other_editor", False),
            ("director", True),
            ("norole", False),
        ],
    )
    def test_who_may_edit(self, site, roles, role, expected):
        assert can_edit(roles[role], site) is expected

    @pytest.mark.parametrize("role", ["viewer", "other_editor"])
    def test_denied_changes_nothing(self, site, roles, role):
        with pytest.raises(PermissionDenied):
            schedule_save(site=site, rows=[("일몰", "일출", "100")], actor=Actor.for_user(roles[role]))
        assert not SiteSchedule.objects.exists()
        assert not AuditEvent.objects.filter(record_type="site_schedules").exists()
