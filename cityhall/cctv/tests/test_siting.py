"""New-site ranking with hand-worked values: coverage gaps from fields of view (shapely), the score's
factors, the order; and the sample cost traced to the seed."""

import pytest

from cityhall.cctv import samples, siting
from cityhall.cctv.siting import Candidate, View

LAT, LON = 37.62, 126.71


def test_no_camera_leaves_the_whole_disc_uncovered():
    assert siting.coverage_gap(LAT, LON, []) == 1.0


def test_a_full_circle_camera_on_the_spot_covers_it_all():
    views = [View(LAT, LON, heading=0, fov=360, range_m=100)]
    assert siting.coverage_gap(LAT, LON, views) == pytest.approx(0.0, abs=0.005)


def test_a_quarter_view_covers_a_quarter():
    # A 90° sector of radius 100 m from the centre covers 90/360 of the 100 m disc → gap 0.75.
    views = [View(LAT, LON, heading=45, fov=90, range_m=100)]
    assert siting.coverage_gap(LAT, LON, views) == pytest.approx(0.75, abs=0.005)


def test_a_far_camera_does_not_count_and_overlaps_count_once():
    far = View(LAT + 0.01, LON, heading=0, fov=360, range_m=50)  # ~1.1 km north
    half = [View(LAT, LON, heading=90, fov=180, range_m=100)] * 2  # the same half twice
    assert siting.coverage_gap(LAT, LON, [far]) == 1.0
    assert siting.coverage_gap(LAT, LON, half) == pytest.approx(0.5, abs=0.005)


def test_ranking_explains_each_score():
    views = [View(LAT, LON, heading=0, fov=360, range_m=100)]  # covers candidate A entirely
    a = Candidate("CC-A", "A", LAT, LON, incidents=20, requests=10, school_zone=True, cost=40_000_000)
    b = Candidate("CC-B", "B", LAT + 0.05, LON, incidents=10, requests=5, school_zone=False, cost=20_000_000)
    ranked = siting.rank([a, b], views)
    by_code = {r.candidate.code: r for r in ranked}
    # A: incidents 30×20/20 = 30, requests 20×10/10 = 20, gap 25×0 = 0, school 10, cost 15×20/40 = 7.5
    assert [(f.factor, f.points) for f in by_code["CC-A"].factors] == [
        ("incidents", 30.0),
        ("requests", 20.0),
        ("gap", 0.0),
        ("school", 10.0),
        ("cost", 7.5),
    ]
    assert by_code["CC-A"].score == 67.5
    # B: 30×10/20 = 15, 20×5/10 = 10, gap 25×1 = 25, school 0, cost 15×20/20 = 15 → 65
    assert by_code["CC-B"].score == 65.0
    assert [r.candidate.code for r in ranked] == ["CC-A", "CC-B"]
    assert [r.rank for r in ranked] == [1, 2]
    assert "후보 중 최다 20건" in by_code["CC-B"].factors[0].label


def test_ties_go_to_the_larger_gap():
    a = Candidate("CC-A", "A", LAT, LON, 5, 5, False, 10_000_000)
    b = Candidate("CC-B", "B", LAT + 0.05, LON, 5, 5, False, 10_000_000)
    views = [View(LAT, LON, heading=0, fov=360, range_m=100)]
    ranked = siting.rank([a, b], views)
    assert ranked[0].candidate.code == "CC-B"  # 25 points of gap vs 0
    assert siting.rank([], views) == []


def test_sample_cost_per_camera_from_the_seed():
    # Line 1161: 북부권 CCTV 설치 10개소 50대, 400(백만원) → 8,000천원 a camera.
    assert samples.COST_PER_CAMERA_WON == 8_000_000
    cands = samples.candidates()
    assert len(cands) == samples.CANDIDATES
    assert len({c.code for c in cands}) == samples.CANDIDATES
