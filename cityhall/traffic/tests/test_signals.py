"""The controller and the plan rules, worked by hand on a two-stage plan:
NS green 40 s (min 15) · yellow 3 · all-red 2 · EW green 40 s (min 15) · yellow 3 · all-red 2 = cycle 90."""

import pytest

from cityhall.traffic.twin.signals import (
    Controller,
    Phase,
    Plan,
    PlanError,
    PriorityCall,
    SafetyMonitor,
    default_plan,
    plan_errors,
    validate_plan,
)

NS, EW = "GGrr", "rrGG"
FOES = frozenset({(0, 2), (0, 3), (1, 2), (1, 3)})


def plan(offset=0) -> Plan:
    base = default_plan([NS, EW])
    return Plan(cycle=base.cycle, offset=offset, phases=base.phases)


def run(ctrl: Controller, start: int, end: int, call=None, monitor=None) -> list[str]:
    states = []
    for t in range(start, end):
        c = call(t) if callable(call) else call
        state = ctrl.step(t, c)
        if monitor is not None:
            monitor.observe(t, state)
        states.append(state)
    return states


def test_default_plan_covers_the_cycle():
    p = plan()
    assert p.cycle == 90
    assert [ph.duration for ph in p.phases] == [40, 3, 2, 40, 3, 2]
    assert [ph.state for ph in p.phases] == [NS, "yyrr", "rrrr", EW, "rryy", "rrrr"]
    assert validate_plan(p, link_count=4, foes=FOES) is p


def test_fixed_time_follows_the_offset():
    ctrl = Controller.start(plan(offset=10), now=0)  # cycle position 80: the EW all-red's... 80 = 45+35
    assert ctrl.index == 3 and ctrl.elapsed == 35
    states = run(ctrl, 0, 20)
    assert states[:5] == [EW] * 5  # EW green ends at 5 (40 − 35)
    assert states[5:8] == ["rryy"] * 3 and states[8:10] == ["rrrr"] * 2 and states[10] == NS


@pytest.mark.parametrize(
    ("change", "loc", "message"),
    [
        ({"cycle": 91}, "phases", "현시 시간의 합 90초가 주기 91초와 같아야 합니다"),
        ({"offset": 90}, "offset", "옵셋 90초는 0 이상, 주기 90초 미만이어야 합니다."),
    ],
)
def test_bad_plans_are_refused_with_where_and_what(change, loc, message):
    p = plan()
    bad = Plan(cycle=change.get("cycle", p.cycle), offset=change.get("offset", p.offset), phases=p.phases)
    errors = plan_errors(bad, link_count=4, foes=FOES)
    assert any(e_loc == loc and message in msg for e_loc, msg in errors)
    with pytest.raises(PlanError):
        validate_plan(bad)


def test_unsafe_phases_are_refused():
    p = plan()
    phases = list(p.phases)
    phases[0] = Phase("GGGr", 40, "green", 15)  # link 2 conflicts with 0 and 1
    phases[1] = Phase("yyy r".replace(" ", ""), 2, "yellow")  # too short a yellow
    phases[2] = Phase("rrrr", 3, "all_red")
    errors = plan_errors(Plan(90, 0, tuple(phases)), link_count=4, foes=FOES)
    assert ("phases.0", "서로 상충하는 연결 0번과 2번이 동시에 우선 녹색(G)입니다.") in errors
    assert ("phases.1", "황색 2초는 3초 이상이어야 합니다.") in errors


def test_early_green_cuts_the_conflicting_green_just_in_time_never_below_min_green():
    ctrl = Controller.start(plan(), now=0)  # NS green from 0
    mon = SafetyMonitor("X", plan(), FOES)
    # the vehicle comes on the EW approach and needs EW green from t = 30
    states = run(ctrl, 0, 40, PriorityCall(green=3, green_by=30), mon)
    # NS ends at 25 (so that yellow 3 + all-red 2 finish at 30), not at 40
    assert states[24] == NS and states[25:28] == ["yyrr"] * 3 and states[28:30] == ["rrrr"] * 2
    assert states[30] == EW
    assert mon.violations == []


def test_a_call_before_min_green_waits_for_it():
    ctrl = Controller.start(plan(), now=0)
    mon = SafetyMonitor("X", plan(), FOES)
    states = run(ctrl, 0, 30, PriorityCall(green=3, green_by=5), mon)
    assert states[14] == NS and states[15] == "yyrr"  # min green 15 s kept
    assert states[20] == EW
    assert mon.violations == []


def test_green_extension_holds_then_recovers_to_coordination():
    ctrl = Controller.start(plan(), now=30)  # NS green, 30 s in
    mon = SafetyMonitor("X", plan(), FOES)
    # the vehicle needs NS until it passes at t = 55 (normal end at 40)
    states = run(ctrl, 30, 400, lambda t: PriorityCall(green=0, green_by=45) if t < 55 else None, mon)
    assert states[:25] == [NS] * 25  # held to 55
    assert states[25:28] == ["yyrr"] * 3
    # back in step with the coordinated schedule within a few cycles
    tail = states[-90:]
    reference = run(Controller.start(plan(), now=310), 310, 400)
    assert tail == reference
    assert mon.violations == []


def test_safety_monitor_catches_cut_intervals_and_conflicts():
    mon = SafetyMonitor("X", plan(), FOES)
    for t, s in enumerate([NS] * 20 + ["yyrr"] * 1 + ["rrrr"] * 2 + ["GGGG"] + [EW] * 3):
        mon.observe(t, s)
    rules = {v.rule for v in mon.violations}
    assert {"yellow_cut", "conflict", "unknown_state"} <= rules


@pytest.mark.parametrize(
    ("speed", "road", "level"),
    [(25.0, "urban", "free"), (24.9, "urban", "slow"), (10.0, "urban", "slow"), (9.9, "urban", "jammed"),
     (70.0, "expressway", "free"), (29.9, "expressway", "jammed")],
)  # fmt: skip
def test_congestion_levels_follow_the_national_thresholds(speed, road, level):
    from cityhall.traffic.twin.congestion import congestion_level

    assert congestion_level(speed, road) == level


def test_demand_profile_peaks_at_the_yardstick():
    from cityhall.traffic.twin.demand import vehicles_per_hour_at

    assert vehicles_per_hour_at(8) == 4000  # 0.080 is the busiest share
    assert vehicles_per_hour_at(3) == round(4000 * 0.004 / 0.080) == 200
