"""The sample layers reproduce the seed's cumulative lengths exactly, and the coverage (구축률) is
computed from them: 776.3 km → 87.9 %, 1,411.6 km → 95.3 %, sewers 100 % (hand-worked below). The
2025 projects carry the seed's scale, budgets and national share; progress cannot pass the scale,
even when two people record at once."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.gis import samples, selectors
from cityhall.gis.models import Layer, ProjectProgress, UpdateProject
from cityhall.gis.services import gis_load_sample, progress_record

SYSTEM = Actor.system("test:gis")


@pytest.fixture
def sample(db):
    gis_load_sample(actor=SYSTEM)


def test_target_lengths_are_worked_back_from_the_stated_coverage():
    # 776.3 / 0.879 = 883.16… → 883.2 km; 1,411.6 / 0.953 = 1,481.21… → 1,481.2 km
    assert samples.target_km(Decimal("776.3"), Decimal("87.9")) == Decimal("883.2")
    assert samples.target_km(Decimal("1411.6"), Decimal("95.3")) == Decimal("1481.2")
    # and back: 776.3 / 883.2 = 87.896… → 87.9 %; 1,411.6 / 1,481.2 = 95.301… → 95.3 %
    assert selectors.percent(Decimal("776.3"), Decimal("883.2")) == Decimal("87.9")
    assert selectors.percent(Decimal("1411.6"), Decimal("1481.2")) == Decimal("95.3")


def test_the_sample_layers_measure_the_seed_lengths_and_give_the_seed_coverage(sample, roles):
    rows = {row.layer.code: row for row in selectors.coverage(roles["viewer"])}
    road, water, sewer = rows["road-facilities"], rows["water-mains"], rows["sewers"]
    assert (road.measured_km, road.target_km, road.percent) == (
        Decimal("776.300"),
        Decimal("883.200"),
        Decimal("87.9"),
    )
    assert (water.measured_km, water.target_km, water.percent) == (
        Decimal("1411.600"),
        Decimal("1481.200"),
        Decimal("95.3"),
    )
    assert sewer.percent == Decimal("100.0")
    # 2025: + 28.071 km of road facilities → (776.3 + 28.071) / 883.2 = 91.07… %
    assert (road.planned_km, road.projected_percent) == (Decimal("28.071"), Decimal("91.1"))
    # + 74.23 km of water mains → 1,485.83 / 1,481.2 > 100 %, shown as 100 %
    assert water.projected_percent == Decimal("100")
    layer = Layer.objects.get(code="road-facilities")
    assert (layer.feature_count, layer.sample, layer.section, layer.line) == (100, True, "II.4", 361)
    assert layer.derived["target_km"]["rule"] == "inferred"


def test_coverage_follows_the_layer_not_a_typed_figure(sample, roles):
    layer = Layer.objects.get(code="road-facilities")
    layer.features.filter(fid__gt=90).delete()  # as if a re-import had 90 lines of 7,763 m
    layer.summary.length_m = 90 * 7763
    layer.summary.save()
    row = next(r for r in selectors.coverage(roles["viewer"]) if r.layer.code == "road-facilities")
    assert row.measured_km == Decimal("698.670") and row.percent == Decimal("79.1")  # 698.67 / 883.2


def test_the_2025_projects_carry_the_seed_scale_and_budgets(sample, roles):
    rows = {row.project.code: row for row in selectors.projects(roles["viewer"])}
    assert [r.project.line for r in rows.values()] == [1136, 1137, 1138, 1139, 1140]
    ortho = rows["orthophoto-2025"]
    assert (ortho.project.quantity, ortho.budget, ortho.percent) == (
        Decimal("297.000"),
        87_770_000,
        Decimal("100.0"),
    )
    road = rows["road-facility-db-2025"]
    assert (road.project.quantity, road.budget, road.done, road.percent) == (
        Decimal("28.071"),
        404_000_000,
        Decimal("15.700"),
        Decimal("55.9"),  # 15.7 / 28.071 = 55.93 %
    )
    water = rows["water-facility-db-2025"]
    assert (water.project.quantity, water.budget, water.national, water.national_percent) == (
        Decimal("74.230"),
        833_334_000,
        250_000_000,
        Decimal("30.00"),
    )
    assert water.percent == Decimal("61.3")  # 45.5 / 74.23
    platform = rows["spatial-platform-2025"]
    assert (platform.project.quantity, platform.project.unit, platform.budget) == (
        Decimal("10.000"),
        "systems",
        177_498_000,
    )
    assert rows["utility-db-2025"].budget is None  # 비예산


def test_loading_the_sample_twice_changes_nothing(sample):
    counts = (Layer.objects.count(), ProjectProgress.objects.count(), UpdateProject.objects.count())
    gis_load_sample(actor=SYSTEM)
    assert (Layer.objects.count(), ProjectProgress.objects.count(), UpdateProject.objects.count()) == counts


def test_progress_cannot_pass_the_project_scale(sample, roles):
    project = UpdateProject.objects.get(code="road-facility-db-2025")
    editor = Actor.for_user(roles["editor"])
    with pytest.raises(RecordInvalid) as caught:
        progress_record(
            project=project,
            area="대곶면",
            sheet="376083",
            quantity="12.5",
            done_on=date(2025, 10, 31),
            actor=editor,
        )
    assert caught.value.errors == {
        "quantity": ["누적 실적 28.2km이(가) 사업 규모 28.071km을(를) 넘습니다 (남은 양 12.371km)."]
    }
    with pytest.raises(RecordInvalid) as caught:
        progress_record(project=project, area=" ", quantity="abc", done_on=date(2024, 1, 1), actor=editor)
    assert caught.value.errors == {
        "quantity": ["실적은 숫자로 적으세요 (예: 9.5)."],
        "area": ["지역을 적으세요."],
        "done_on": ["실적일은 2025년 안이어야 합니다."],
    }
    with pytest.raises(PermissionDenied):
        progress_record(
            project=project,
            area="대곶면",
            quantity="1",
            done_on=date(2025, 10, 1),
            actor=Actor.for_user(roles["other_editor"]),
        )
    row = progress_record(
        project=project,
        area="대곶면",
        sheet="376083",
        quantity="12.371",
        done_on=date(2025, 10, 31),
        actor=editor,
    )
    assert selectors.project(roles["viewer"], project.code).percent == Decimal("100.0")
    assert row.quantity == Decimal("12.371")


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_at_once_cannot_pass_the_scale(roles):
    """Real threads, each with its own connection, released together: one records its 10 km, the other
    cannot (the project row is locked — ``select_for_update`` on PostgreSQL, the write transaction on
    SQLite — so it sees 25.7 km and is refused, or finds the test database locked): never both."""
    gis_load_sample(actor=SYSTEM)
    project = UpdateProject.objects.get(code="road-facility-db-2025")  # 15.7 of 28.071 km done
    results: list[str] = []
    barrier = threading.Barrier(2)

    def record():
        try:
            barrier.wait()
            progress_record(
                project=project, area="대곶면", quantity="10", done_on=date(2025, 11, 1), actor=SYSTEM
            )
            results.append("ok")
        except RecordInvalid:
            results.append("refused")
        except Exception as exc:  # a locked database is also a refusal, never a second row
            results.append(type(exc).__name__)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results  # the other is refused (or finds the database locked)
    done = sum(p.quantity for p in ProjectProgress.objects.filter(project=project))
    assert done == Decimal("25.700")
    connection.close()
