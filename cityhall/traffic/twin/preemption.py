"""Emergency-vehicle preemption strategies (pure: they see observations, they return calls).

- ``NaiveApproach``: the rule many deployments start with — when the vehicle is within 200 m of the
  next signal, call its approach green now, and hold it until the vehicle has passed.
- ``PredictivePreemption`` (ours): for every signal on the route within the look-ahead, predict when
  the vehicle will reach the stop line at its free speed, subtract the time the queue on its lane
  needs to discharge (start-up lost time plus a saturation headway per halted vehicle) and a margin,
  and ask for green from then on. The controller turns that into an early green (ending the conflicting
  green once its minimum is served, just in time for yellow and all-red to finish) or a green
  extension, so the queue ahead is gone when the vehicle arrives, and releases the junction the moment
  the vehicle has crossed; the controller then steers back to coordination."""

from __future__ import annotations

from dataclasses import dataclass, field

from .signals import Plan, PriorityCall
from .text import gettext_noop

NAIVE_DISTANCE_M = 200.0
LOOKAHEAD_S = 75.0  # calls are placed for signals the vehicle will reach within this time
STARTUP_LOST_S = 2.0  # 출발손실시간
SATURATION_HEADWAY_S = 2.0  # 포화차두시간 (≈ 1,800 veh/h/lane)
MARGIN_S = 3.0
MAX_QUEUE_LEAD_S = 40.0

NONE, NAIVE, PREDICTIVE = "none", "naive", "predictive"
STRATEGIES = (NONE, NAIVE, PREDICTIVE)


@dataclass(frozen=True)
class Upcoming:
    """A signal ahead on the vehicle's route."""

    tls_id: str
    link_index: int
    distance_m: float
    queue: int = 0  # vehicles halted on the vehicle's approach lane(s) at that signal


@dataclass(frozen=True)
class Observation:
    vehicle: str
    now: float
    speed_ms: float
    free_speed_ms: float  # the lane limit times the vehicle's speed factor, capped by its top speed
    upcoming: tuple[Upcoming, ...]


@dataclass(frozen=True)
class Decision:
    tls_id: str
    green: int  # phase index called
    eta: float
    green_by: float


@dataclass
class Strategy:
    plans: dict[str, Plan]
    name: str = NONE
    decisions: list[Decision] = field(default_factory=list)

    def calls(self, obs: Observation) -> dict[str, PriorityCall]:
        return {}


class NaiveApproach(Strategy):
    def __init__(self, plans: dict[str, Plan], distance_m: float = NAIVE_DISTANCE_M):
        super().__init__(plans=plans, name=NAIVE)
        self.distance_m = distance_m

    def calls(self, obs: Observation) -> dict[str, PriorityCall]:
        if not obs.upcoming:
            return {}
        nxt = obs.upcoming[0]
        plan = self.plans.get(nxt.tls_id)
        if plan is None or nxt.distance_m > self.distance_m:
            return {}
        green = plan.serving(nxt.link_index)
        if green is None:
            return {}
        eta = obs.now + nxt.distance_m / max(obs.speed_ms, 1.0)
        self.decisions.append(Decision(nxt.tls_id, green, eta, obs.now))
        return {nxt.tls_id: PriorityCall(green=green, green_by=obs.now)}


def predicted_arrival(now: float, distance_m: float, free_speed_ms: float) -> float:
    """Seconds-of-simulation when the vehicle reaches a stop line ``distance_m`` ahead at free speed."""
    return now + distance_m / max(free_speed_ms, 1.0)


def queue_clear_time(queue: int) -> float:
    """Seconds a queue of ``queue`` halted vehicles needs from green to clear the stop line."""
    if queue <= 0:
        return 0.0
    return min(STARTUP_LOST_S + SATURATION_HEADWAY_S * queue, MAX_QUEUE_LEAD_S)


def green_needed_by(now: float, distance_m: float, free_speed_ms: float, queue: int) -> float:
    return predicted_arrival(now, distance_m, free_speed_ms) - queue_clear_time(queue) - MARGIN_S


class PredictivePreemption(Strategy):
    def __init__(self, plans: dict[str, Plan], lookahead_s: float = LOOKAHEAD_S):
        super().__init__(plans=plans, name=PREDICTIVE)
        self.lookahead_s = lookahead_s

    def calls(self, obs: Observation) -> dict[str, PriorityCall]:
        out: dict[str, PriorityCall] = {}
        speed = max(obs.free_speed_ms, 1.0)
        for up in obs.upcoming:
            eta = predicted_arrival(obs.now, up.distance_m, speed)
            if eta - obs.now > self.lookahead_s:
                break
            plan = self.plans.get(up.tls_id)
            if plan is None:
                continue  # offline or unknown controller: nothing assumed, the run is warned
            green = plan.serving(up.link_index)
            if green is None:
                continue
            by = green_needed_by(obs.now, up.distance_m, speed, up.queue)
            out.setdefault(up.tls_id, PriorityCall(green=green, green_by=by))
            self.decisions.append(Decision(up.tls_id, green, eta, by))
        return out


def make_strategy(name: str, plans: dict[str, Plan]) -> Strategy:
    if name == NAIVE:
        return NaiveApproach(plans)
    if name == PREDICTIVE:
        return PredictivePreemption(plans)
    if name == NONE:
        return Strategy(plans=plans)
    raise ValueError(
        gettext_noop(
            "알 수 없는 우선신호 방식: %(name)s (%(choices)s 중 하나)",
            name=name,
            choices=", ".join(STRATEGIES),
        )
    )
