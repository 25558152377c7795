"""Runs the twin: SUMO (libsumo, in this process) with every signal driven by our controllers, the
emergency vehicles observed each second and a preemption strategy placing calls. Returns travel times,
delays, stops, decision times, the junction plans and the vehicle's timeline."""

from __future__ import annotations

import statistics
import tempfile
import time
import xml.etree.ElementTree as ET  # noqa: S405 - SUMO's own tripinfo output, written by this run
from dataclasses import dataclass, field
from pathlib import Path

from . import detectors
from . import dsrc as twin_dsrc
from .demand import Trip, write_routes
from .network import NetworkInfo, read_network
from .preemption import Observation, Upcoming, make_strategy
from .signals import Controller, Plan, SafetyMonitor, SafetyViolation
from .sumo import binary
from .text import Text, gettext_noop

STEP_S = 1
TELEPORT_S = 300
LINK_SAMPLE_S = 10
RESCUE_LANE_RESOLUTION_M = 0.8  # sublane width: a 3.2 m lane in four strips
EV_SPEED_MODE = 31  # SUMO's default: safe speed, accelerations, right of way, brake for red
# The warnings a run can carry; runs store them as Korean text, read back against these templates.
OFFLINE_WARNING = gettext_noop("%(tls_id)s 제어기 오프라인: 우선신호를 요청할 수 없습니다.")
WARNINGS = (OFFLINE_WARNING,)


@dataclass
class Scenario:
    net_path: Path
    trips: list[Trip]
    ev_routes: dict[str, list[str]]  # emergency vehicle id -> edges
    plans: dict[str, Plan]
    end: int  # last departure time; the run goes on until the network is empty (max 3 × end)
    seed: int = 1
    offline: frozenset[str] = frozenset()  # controllers that do not answer
    until_evs_arrive: bool = False  # stop once every emergency vehicle has arrived (the run pages)
    detectors: bool = False  # VDS loops on every signal approach, read every 30 s (RunResult.vds)
    yielding: bool = True  # other drivers yield to the siren (demand.SIREN_REACH_M), in every strategy
    dsrc_penetration: float | None = None  # DSRC readers see this share of vehicles (RunResult.dsrc)


@dataclass
class JunctionPass:
    tls_id: str
    first_call: float | None = None
    predicted_arrival: float | None = None
    green_by: float | None = None
    action: str = "none"  # early_green / extension / none / offline
    arrived: float | None = None
    stopped: bool = False


@dataclass
class EvTrace:
    vehicle: str
    depart: float | None = None
    arrive: float | None = None
    stops: int = 0
    stopped_s: int = 0
    junctions: dict[str, JunctionPass] = field(default_factory=dict)
    positions: list[tuple[int, float, float, float]] = field(default_factory=list)  # t, x, y, speed
    link_speeds: dict[str, float] = field(default_factory=dict)  # km/h on each link while it drove
    warnings: list[str] = field(default_factory=list)

    @property
    def travel_time(self) -> float | None:
        if self.depart is None or self.arrive is None:
            return None
        return self.arrive - self.depart


@dataclass
class RunResult:
    strategy: str
    seed: int
    evs: dict[str, EvTrace]
    others_time_loss: dict[str, float]  # vehicle -> time loss (s), every other vehicle that arrived
    decision_ms: list[float]  # wall clock per decision (includes time the OS gave to other processes)
    decision_cpu_ms: list[float]  # this thread's CPU time per decision
    steps: int
    wall_s: float
    violations: list[SafetyViolation]
    commands: list[tuple[int, str, str, str]] = field(default_factory=list)  # t, signal, event, phase
    vds: list[detectors.VdsReading] = field(default_factory=list)
    dsrc: list[twin_dsrc.Pass] = field(default_factory=list)

    def ev_travel_times(self) -> dict[str, float]:
        return {v: t.travel_time for v, t in self.evs.items() if t.travel_time is not None}

    @property
    def decision_p99_ms(self) -> float:
        return _p99(self.decision_ms)

    @property
    def decision_cpu_p99_ms(self) -> float:
        return _p99(self.decision_cpu_ms)

    @property
    def others_mean_time_loss(self) -> float:
        return statistics.fmean(self.others_time_loss.values()) if self.others_time_loss else 0.0

    @property
    def others_arrived(self) -> int:
        return len(self.others_time_loss)

    def others_delay_change(self, base: RunResult) -> float | None:
        """Mean time loss of the other vehicles that arrived in both runs, relative to ``base``."""
        common = [v for v in base.others_time_loss if v in self.others_time_loss]
        before = sum(base.others_time_loss[v] for v in common)
        if not before:
            return None
        return sum(self.others_time_loss[v] for v in common) / before - 1

    @property
    def realtime_factor(self) -> float:
        return self.steps / self.wall_s if self.wall_s else 0.0


def _p99(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def run(
    scenario: Scenario,
    strategy_name: str,
    *,
    monitor: bool = False,
    trace: bool = False,
    workdir: Path | None = None,
) -> RunResult:
    import libsumo as traci

    info: NetworkInfo = read_network(scenario.net_path)
    plans = {k: v for k, v in scenario.plans.items() if k not in scenario.offline}
    strategy = make_strategy(strategy_name, plans)
    # Drivers pull aside within their lane only in the sublane model; without it the siren device
    # freezes their lane changes and can leave the emergency vehicle stuck behind them.
    sublane = scenario.yielding and bool(scenario.ev_routes)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        routes = write_routes(
            Path(tmp) / "routes.rou.xml", scenario.trips, scenario.ev_routes, yielding=scenario.yielding
        )
        tripinfo = Path(tmp) / "tripinfo.xml"
        stations = detectors.stations(info) if scenario.detectors else []
        additional = (
            ["-a", str(detectors.write_additional(Path(tmp) / "vds.add.xml", stations))] if stations else []
        )
        dsrc_out = Path(tmp) / "dsrc.xml"
        if scenario.dsrc_penetration is not None:
            dsrc_add = Path(tmp) / "dsrc.add.xml"
            twin_dsrc.write_additional(dsrc_add, info, twin_dsrc.readers(info), dsrc_out)
            additional = ["-a", f"{additional[1]},{dsrc_add}"] if additional else ["-a", str(dsrc_add)]
        traci.start(
            [
                binary("sumo"),
                "-n",
                str(scenario.net_path),
                "-r",
                str(routes),
                "--seed",
                str(scenario.seed),
                "--step-length",
                str(STEP_S),
                "--time-to-teleport",
                str(TELEPORT_S),
                "--tripinfo-output",
                str(tripinfo),
                "--no-step-log",
                "true",
                "--no-warnings",
                "true",
                "--ignore-route-errors",
                "true",
                "--duration-log.disable",
                "true",
                *(["--lateral-resolution", str(RESCUE_LANE_RESOLUTION_M)] if sublane else []),
                *additional,
            ]  # fmt: skip
        )
        started = time.perf_counter()
        try:
            result = _loop(traci, scenario, info, strategy, monitor=monitor, trace=trace, stations=stations)
        finally:
            traci.close()
        wall = time.perf_counter() - started
        others = _others_time_loss(tripinfo, set(scenario.ev_routes))
        dsrc = (
            twin_dsrc.read_output(dsrc_out, scenario.dsrc_penetration, seed=scenario.seed)
            if scenario.dsrc_penetration is not None
            else []
        )
    evs, (decision_ms, decision_cpu_ms), steps, violations, commands, vds = result
    return RunResult(
        strategy=strategy_name,
        seed=scenario.seed,
        evs=evs,
        others_time_loss=others,
        decision_ms=decision_ms,
        decision_cpu_ms=decision_cpu_ms,
        steps=steps,
        wall_s=wall,
        violations=violations,
        commands=commands,
        vds=vds,
        dsrc=dsrc,
    )


def _loop(traci, scenario: Scenario, info: NetworkInfo, strategy, *, monitor: bool, trace: bool, stations=()):
    controllers: dict[str, Controller] = {}
    shown: dict[str, str] = {}
    for tls_id in traci.trafficlight.getIDList():
        plan = scenario.plans.get(tls_id)
        if plan is not None:
            controllers[tls_id] = Controller.start(plan, 0)
    monitors = (
        {t: SafetyMonitor(t, scenario.plans[t], info.signals[t].foes) for t in controllers} if monitor else {}
    )
    evs = {v: EvTrace(v) for v in scenario.ev_routes}
    decision_ms: list[float] = []
    decision_cpu_ms: list[float] = []
    hard_end = max(3 * scenario.end, scenario.end + 900)
    lane_of = {t: s.incoming for t, s in info.signals.items()}
    speed_samples: dict[str, list[float]] = {}
    last_speed: dict[str, float] = {}
    vds: list[detectors.VdsReading] = []
    now = 0
    while True:
        now = int(traci.simulation.getTime())
        calls: dict[str, object] = {}
        present = [v for v in evs if evs[v].depart is not None and evs[v].arrive is None]
        for vid in present:
            t0, c0 = time.perf_counter(), time.thread_time()
            upcoming = []
            for tls_id, link, dist, _state in traci.vehicle.getNextTLS(vid):
                lane = lane_of.get(tls_id, {}).get(link)
                queue = traci.lane.getLastStepHaltingNumber(lane) if lane else 0
                upcoming.append(Upcoming(tls_id, link, dist, queue))
            obs = Observation(
                vehicle=vid,
                now=now,
                speed_ms=traci.vehicle.getSpeed(vid),
                free_speed_ms=traci.vehicle.getAllowedSpeed(vid),
                upcoming=tuple(upcoming),
            )
            mine = strategy.calls(obs)
            decision_ms.append((time.perf_counter() - t0) * 1000)
            decision_cpu_ms.append((time.thread_time() - c0) * 1000)
            _note(evs[vid], obs, mine, controllers, scenario.offline, now)
            for tls_id, call in mine.items():
                calls.setdefault(tls_id, call)
        for tls_id, controller in controllers.items():
            state = controller.step(now, calls.get(tls_id))
            if shown.get(tls_id) != state:
                traci.trafficlight.setRedYellowGreenState(tls_id, state)
                shown[tls_id] = state
        for tls_id, mon in monitors.items():
            mon.observe(now, traci.trafficlight.getRedYellowGreenState(tls_id))
        traci.simulationStep()
        now += STEP_S
        if stations and now % detectors.VDS_PERIOD_S == 0:
            vds.extend(detectors.read(traci, stations, now))
        for vid in traci.simulation.getDepartedIDList():
            if vid in evs:
                evs[vid].depart = traci.simulation.getTime() - STEP_S
                # The siren device lets a vehicle run red lights (speed mode 7); ours keep to the signals
                # and the right of way, so what is measured is what the signals give it.
                traci.vehicle.setSpeedMode(vid, EV_SPEED_MODE)
        for vid in traci.simulation.getArrivedIDList():
            if vid in evs:
                evs[vid].arrive = traci.simulation.getTime()
        for vid in present:
            if evs[vid].arrive is not None:
                continue
            speed = traci.vehicle.getSpeed(vid)
            ev = evs[vid]
            if speed < 0.5:
                ev.stopped_s += 1
                if last_speed.get(vid, 99.0) >= 0.5:
                    ev.stops += 1
            last_speed[vid] = speed
            if trace:
                x, y = traci.vehicle.getPosition(vid)
                ev.positions.append((now, round(x, 1), round(y, 1), round(speed, 2)))
                if now % LINK_SAMPLE_S == 0:
                    _sample_links(traci, info, speed_samples)
        if scenario.until_evs_arrive and all(ev.arrive is not None for ev in evs.values()):
            break
        if now >= scenario.end and traci.simulation.getMinExpectedNumber() == 0:
            break
        if now >= hard_end:
            break
    violations = [v for m in monitors.values() for v in m.violations]
    if speed_samples:
        means = {e: round(sum(v) / len(v) * 3.6, 1) for e, v in speed_samples.items()}
        for ev in evs.values():
            ev.link_speeds = means
    commands = sorted((t, tls, event, phase) for tls, c in controllers.items() for t, event, phase in c.log)
    return evs, (decision_ms, decision_cpu_ms), now, violations, commands, vds


def _sample_links(traci, info: NetworkInfo, samples: dict[str, list[float]]) -> None:
    """Each link's mean speed now (its limit when empty), as the detectors would report it."""
    for edge in info.edges:
        if traci.edge.getLastStepVehicleNumber(edge):
            samples.setdefault(edge, []).append(traci.edge.getLastStepMeanSpeed(edge))
        else:
            samples.setdefault(edge, []).append(info.edge_speeds.get(edge, 13.89))


def _note(ev: EvTrace, obs: Observation, calls, controllers, offline, now: int) -> None:
    """Keeps, per junction on the route, the first call's prediction and what the signal had to do."""
    ahead = {u.tls_id for u in obs.upcoming}
    for tls_id, jp in ev.junctions.items():
        if jp.arrived is None and tls_id not in ahead:
            jp.arrived = now
    for up in obs.upcoming:
        if up.tls_id in offline and up.tls_id not in ev.junctions:
            ev.junctions[up.tls_id] = JunctionPass(up.tls_id, action="offline")
            ev.warnings.append(Text(OFFLINE_WARNING, {"tls_id": up.tls_id}))
    for up in obs.upcoming[:1]:
        jp = ev.junctions.setdefault(up.tls_id, JunctionPass(up.tls_id))
        if obs.speed_ms < 0.5 and up.distance_m < 60:
            jp.stopped = True
    for tls_id, call in calls.items():
        jp = ev.junctions.setdefault(tls_id, JunctionPass(tls_id))
        if jp.first_call is None:
            controller = controllers.get(tls_id)
            jp.first_call = now
            jp.green_by = round(call.green_by, 1)
            dist = next((u.distance_m for u in obs.upcoming if u.tls_id == tls_id), 0.0)
            jp.predicted_arrival = round(now + dist / max(obs.free_speed_ms, 1.0), 1)
            if controller is not None:
                if controller.index == call.green:
                    jp.action = "extension"
                elif controller.time_to_green(call.green) > call.green_by - now:
                    jp.action = "early_green"


def _others_time_loss(tripinfo: Path, evs: set[str]) -> dict[str, float]:
    losses: dict[str, float] = {}
    for _event, elem in ET.iterparse(tripinfo):  # noqa: S314 - our own SUMO output
        if elem.tag == "tripinfo":
            if elem.get("id") not in evs:
                losses[elem.get("id")] = float(elem.get("timeLoss", 0))
            elem.clear()
    return losses
