"""Signal plans and the controller that runs them, second by second (pure: no SUMO, no database).

A plan is a fixed-time coordinated program: phases in order (green stage, its yellow, its all-red,
next green …) whose durations add up to the cycle, and an offset that places the cycle on the
corridor's common clock. The controller follows the plan, and answers a priority call (an emergency
vehicle needs stage k green from time T) by ending the current green early or holding stage k —
never cutting a minimum green, a yellow or an all-red — then steers back to coordination by shortening
or lengthening greens within their limits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .text import Text, gettext_noop

GREEN, YELLOW, ALL_RED = "green", "yellow", "all_red"
KINDS = (GREEN, YELLOW, ALL_RED)
STATE_CHARS = set("GgyrO")
DEFAULT_GREEN_S = 40
DEFAULT_MIN_GREEN_S = 15
DEFAULT_YELLOW_S = 3
DEFAULT_ALL_RED_S = 2
MIN_YELLOW_S = 3  # 도로교통법 시행규칙: 황색 3초 이상 (common practice)
MAX_DWELL_FRACTION = 0.5  # recovery may lengthen a green by at most half its planned length
MAX_HOLD_S = 90  # a priority call never holds a stage green longer than this


class PlanError(ValueError):
    """A plan that cannot run safely; ``errors`` lists (location, Korean message) pairs."""

    def __init__(self, errors: list[tuple[str, Text]]):
        self.errors = errors
        super().__init__("; ".join(f"{loc}: {msg}" for loc, msg in errors))


@dataclass(frozen=True)
class Phase:
    state: str
    duration: int
    kind: str
    min_green: int = 0  # greens only

    def as_dict(self) -> dict:
        data = {"state": self.state, "duration": self.duration, "kind": self.kind}
        if self.kind == GREEN:
            data["min_green"] = self.min_green
        return data


@dataclass(frozen=True)
class Plan:
    cycle: int
    offset: int
    phases: tuple[Phase, ...]

    @property
    def greens(self) -> list[int]:
        return [i for i, p in enumerate(self.phases) if p.kind == GREEN]

    def start_of(self, index: int) -> int:
        return sum(p.duration for p in self.phases[:index])

    def serving(self, link_index: int) -> int | None:
        """The green phase that gives ``link_index`` a green (G first, then g)."""
        for wanted in "Gg":
            for i in self.greens:
                state = self.phases[i].state
                if link_index < len(state) and state[link_index] == wanted:
                    return i
        return None

    def clearance_after(self, green_index: int) -> int:
        """Seconds of yellow and all-red that follow a green before another green may start."""
        total, i = 0, green_index + 1
        while self.phases[i % len(self.phases)].kind != GREEN:
            total += self.phases[i % len(self.phases)].duration
            i += 1
        return total


def default_plan(green_states: Iterable[str], *, offset: int = 0, green: int = DEFAULT_GREEN_S) -> Plan:
    """Green stages from the network, each followed by its yellow and an all-red."""
    phases: list[Phase] = []
    for state in green_states:
        phases.append(Phase(state, green, GREEN, DEFAULT_MIN_GREEN_S))
        phases.append(Phase(yellow_of(state), DEFAULT_YELLOW_S, YELLOW))
        phases.append(Phase(all_red_of(state), DEFAULT_ALL_RED_S, ALL_RED))
    cycle = sum(p.duration for p in phases)
    return Plan(cycle=cycle, offset=offset % cycle if cycle else 0, phases=tuple(phases))


def yellow_of(state: str) -> str:
    return "".join("y" if c in "Gg" else "r" for c in state)


def all_red_of(state: str) -> str:
    return "r" * len(state)


def plan_from_dict(data: dict) -> Plan:
    phases = tuple(
        Phase(
            state=str(p["state"]),
            duration=int(p["duration"]),
            kind=str(p["kind"]),
            min_green=int(p.get("min_green", 0) or 0),
        )
        for p in data["phases"]
    )
    return Plan(cycle=int(data["cycle"]), offset=int(data["offset"]), phases=phases)


def plan_errors(
    plan: Plan, *, link_count: int | None = None, foes: Iterable[tuple[int, int]] = ()
) -> list[tuple[str, Text]]:
    """Everything that makes a plan unsafe or inconsistent, as (location, Korean message); each
    message keeps its template for the English interface."""
    errors: list[tuple[str, Text]] = []
    phases = plan.phases
    if plan.cycle <= 0:
        errors.append(
            ("cycle", gettext_noop("주기는 0초보다 커야 합니다 (입력 %(cycle)s초).", cycle=plan.cycle))
        )
    if not 0 <= plan.offset < max(plan.cycle, 1):
        message = gettext_noop(
            "옵셋 %(offset)s초는 0 이상, 주기 %(cycle)s초 미만이어야 합니다.",
            offset=plan.offset,
            cycle=plan.cycle,
        )
        errors.append(("offset", message))
    total = sum(p.duration for p in phases)
    if total != plan.cycle:
        errors.append(
            (
                "phases",
                gettext_noop(
                    "현시 시간의 합 %(total)s초가 주기 %(cycle)s초와 같아야 합니다 "
                    "(현시가 주기를 채워야 함).",
                    total=total,
                    cycle=plan.cycle,
                ),
            )
        )
    if len([p for p in phases if p.kind == GREEN]) < 2:
        errors.append(("phases", gettext_noop("녹색 현시가 둘 이상 있어야 합니다.")))
    foe_pairs = {tuple(sorted(pair)) for pair in foes}
    for n, p in enumerate(phases):
        loc = f"phases.{n}"
        if p.kind not in KINDS:
            errors.append(
                (
                    loc,
                    gettext_noop(
                        "현시 종류 '%(kind)s'는 green, yellow, all_red 중 하나여야 합니다.", kind=p.kind
                    ),
                )
            )
            continue
        if not p.state or set(p.state) - STATE_CHARS:
            errors.append(
                (
                    loc,
                    gettext_noop(
                        "신호 상태 '%(state)s'에 쓸 수 없는 문자가 있습니다 (G g y r O).", state=p.state
                    ),
                )
            )
            continue
        if link_count is not None and len(p.state) != link_count:
            message = gettext_noop(
                "신호 상태 길이 %(length)s가 교차로 연결 수 %(links)s와 다릅니다.",
                length=len(p.state),
                links=link_count,
            )
            errors.append((loc, message))
        if p.duration <= 0:
            errors.append(
                (
                    loc,
                    gettext_noop(
                        "현시 시간은 0초보다 커야 합니다 (입력 %(duration)s초).", duration=p.duration
                    ),
                )
            )
        if p.kind == GREEN:
            if p.min_green < 5:
                errors.append(
                    (
                        loc,
                        gettext_noop(
                            "최소녹색 %(min_green)s초는 5초 이상이어야 합니다.", min_green=p.min_green
                        ),
                    )
                )
            if p.duration < p.min_green:
                message = gettext_noop(
                    "녹색 %(duration)s초가 최소녹색 %(min_green)s초보다 짧습니다.",
                    duration=p.duration,
                    min_green=p.min_green,
                )
                errors.append((loc, message))
            if "y" in p.state:
                errors.append((loc, gettext_noop("녹색 현시에 황색(y)이 있습니다.")))
            greens = [i for i, c in enumerate(p.state) if c == "G"]
            for a in greens:
                for b in greens:
                    if a < b and (a, b) in foe_pairs:
                        message = gettext_noop(
                            "서로 상충하는 연결 %(a)s번과 %(b)s번이 동시에 우선 녹색(G)입니다.", a=a, b=b
                        )
                        errors.append((loc, message))
        prev = phases[n - 1] if phases else None
        if p.kind == YELLOW:
            if p.duration < MIN_YELLOW_S:
                message = gettext_noop(
                    "황색 %(duration)s초는 %(minimum)s초 이상이어야 합니다.",
                    duration=p.duration,
                    minimum=MIN_YELLOW_S,
                )
                errors.append((loc, message))
            if prev is None or prev.kind != GREEN:
                errors.append((loc, gettext_noop("황색 현시는 녹색 현시 바로 뒤에 와야 합니다.")))
            elif p.state != yellow_of(prev.state):
                errors.append(
                    (
                        loc,
                        gettext_noop(
                            "황색 현시는 앞 녹색에서 녹색이던 연결만 황색(y), 나머지는 적색이어야 합니다."
                        ),
                    )
                )
        if p.kind == ALL_RED:
            if any(c != "r" for c in p.state):
                errors.append((loc, gettext_noop("전적색 현시는 모든 연결이 적색(r)이어야 합니다.")))
            if prev is None or prev.kind != YELLOW:
                errors.append((loc, gettext_noop("전적색 현시는 황색 현시 바로 뒤에 와야 합니다.")))
        if p.kind == GREEN and prev is not None and prev.kind != ALL_RED:
            errors.append((loc, gettext_noop("녹색 현시 앞에는 황색과 전적색이 있어야 합니다.")))
    return errors


def validate_plan(plan: Plan, **kwargs) -> Plan:
    errors = plan_errors(plan, **kwargs)
    if errors:
        raise PlanError(errors)
    return plan


def wrap(value: float, cycle: int) -> float:
    """``value`` modulo ``cycle`` into [-cycle/2, cycle/2)."""
    return (value + cycle / 2) % cycle - cycle / 2


@dataclass
class PriorityCall:
    """Stage ``green`` (a phase index) must be showing from time ``green_by`` until the call ends."""

    green: int
    green_by: float


@dataclass
class Controller:
    """Runs one plan second by second. ``step(now, call)`` returns the state to show for [now, now+1)."""

    plan: Plan
    index: int = 0
    elapsed: int = 0
    target: int = 0  # planned length of the current phase, adjusted for coordination
    jump_to: int | None = None  # next green after the clearance (preemption skips stages)
    preempting: bool = False
    holding_since: int | None = None
    log: list[tuple[int, str, str]] = field(default_factory=list)  # (time, event, detail)

    @classmethod
    def start(cls, plan: Plan, now: int = 0) -> Controller:
        """Placed where coordination says the cycle is at ``now``."""
        pos = (now - plan.offset) % plan.cycle
        start = 0
        for i, phase in enumerate(plan.phases):
            if pos < start + phase.duration:
                return cls(plan=plan, index=i, elapsed=pos - start, target=phase.duration)
            start += phase.duration
        return cls(plan=plan, index=0, elapsed=0, target=plan.phases[0].duration)

    @property
    def phase(self) -> Phase:
        return self.plan.phases[self.index]

    def sync_error(self, now: int, index: int) -> float:
        """Seconds by which phase ``index`` starting at ``now`` is late (+) or early (-)."""
        scheduled = self.plan.offset + self.plan.start_of(index)
        return wrap(now - scheduled, self.plan.cycle)

    def coordinated_remaining(self, now: int) -> int:
        """Seconds the current phase still has in the coordinated schedule (0 when outside it)."""
        pos = (now - self.plan.offset) % self.plan.cycle
        start = self.plan.start_of(self.index)
        if start <= pos < start + self.phase.duration:
            return start + self.phase.duration - pos
        return 0

    def _enter(self, index: int, now: int) -> None:
        self.index, self.elapsed = index, 0
        phase = self.plan.phases[index]
        self.target = phase.duration
        if phase.kind == GREEN:  # steer back to coordination within the green's limits
            error = self.sync_error(now, index)
            if error > 0:
                self.target = max(phase.min_green, phase.duration - round(error))
            elif error < 0:
                self.target = phase.duration + min(round(-error), int(phase.duration * MAX_DWELL_FRACTION))

    def time_to_green(self, green: int) -> float:
        """Seconds until ``green`` would start if the plan ran on unchanged (0 when showing)."""
        if self.index == green:
            return 0
        total = self.target - self.elapsed
        i = (self.index + 1) % len(self.plan.phases)
        while i != green:
            total += self.plan.phases[i].duration
            i = (i + 1) % len(self.plan.phases)
        return total

    def fastest_to_green(self, green: int) -> float:
        """Seconds until ``green`` can start at the earliest while keeping every safety interval."""
        if self.index == green:
            return 0
        phase = self.phase
        if phase.kind == GREEN:
            wait = max(0, phase.min_green - self.elapsed)
            return wait + self.plan.clearance_after(self.index)
        total = phase.duration - self.elapsed
        i = (self.index + 1) % len(self.plan.phases)
        while self.plan.phases[i].kind != GREEN:
            total += self.plan.phases[i].duration
            i = (i + 1) % len(self.plan.phases)
        return total

    def step(self, now: int, call: PriorityCall | None = None) -> str:
        phase = self.phase
        if call is None and self.preempting:
            self.preempting, self.holding_since = False, None
            self.log.append((now, "release", str(self.index)))
            if phase.kind == GREEN:  # keep the green only while coordination would show it
                self.target = max(phase.min_green, self.elapsed + self.coordinated_remaining(now))
        end = self.elapsed >= self.target
        if call is not None:
            lead = call.green_by - now
            too_late = self.time_to_green(call.green) > lead  # the plan alone would not make it
            if self.index == call.green:  # green extension while the vehicle comes
                if self.holding_since is None:
                    self.holding_since, self.preempting = now, True
                    self.log.append((now, "hold", str(self.index)))
                if end and now - self.holding_since < MAX_HOLD_S:
                    end = False
            elif phase.kind == GREEN and too_late:
                if self.elapsed >= phase.min_green and self.fastest_to_green(call.green) >= lead:
                    if not end:  # early green: cut this green, never below its minimum
                        self.log.append((now, "truncate", str(self.index)))
                    end = True
                if end:
                    self.jump_to, self.preempting = call.green, True
            elif phase.kind != GREEN and too_late:
                self.jump_to, self.preempting = call.green, True
        if end:
            nxt = (self.index + 1) % len(self.plan.phases)
            if self.plan.phases[nxt].kind == GREEN and self.jump_to is not None:
                if nxt != self.jump_to:
                    self.log.append((now, "skip_to", str(self.jump_to)))
                nxt, self.jump_to = self.jump_to, None
            self._enter(nxt, now)
        state = self.phase.state
        self.elapsed += 1
        return state


@dataclass
class SafetyViolation:
    time: int
    tls_id: str
    rule: str
    detail: str


@dataclass
class SafetyMonitor:
    """Checks the states a junction actually shows, second by second, against its plan: no two
    conflicting links green together, every green that ends ran its minimum, every yellow and all-red
    ran its full length, and a green is reached only through yellow and all-red."""

    tls_id: str
    plan: Plan
    foes: frozenset[tuple[int, int]]
    current: str | None = None
    since: int = 0
    seen_complete: bool = False  # the first phase is cut by the start of the run, not by us
    violations: list[SafetyViolation] = field(default_factory=list)

    def _kind(self, state: str) -> tuple[str, Phase | None]:
        for phase in self.plan.phases:
            if phase.state == state:
                return phase.kind, phase
        return "unknown", None

    def observe(self, now: int, state: str) -> None:
        for a, b in self.foes:
            if state[a] == "G" and state[b] == "G":
                self.violations.append(SafetyViolation(now, self.tls_id, "conflict", f"{a}/{b} {state}"))
        if state == self.current:
            return
        kind, phase = self._kind(state)
        if kind == "unknown":
            self.violations.append(SafetyViolation(now, self.tls_id, "unknown_state", state))
        if self.current is not None:
            ran = now - self.since
            prev_kind, prev = self._kind(self.current)
            if self.seen_complete and prev is not None:
                if prev_kind == GREEN and ran < prev.min_green:
                    self.violations.append(
                        SafetyViolation(now, self.tls_id, "min_green", f"{ran}s < {prev.min_green}s")
                    )
                if prev_kind in (YELLOW, ALL_RED) and ran < prev.duration:
                    self.violations.append(
                        SafetyViolation(now, self.tls_id, f"{prev_kind}_cut", f"{ran}s < {prev.duration}s")
                    )
            expected = {GREEN: YELLOW, YELLOW: ALL_RED, ALL_RED: GREEN}.get(prev_kind)
            if expected is not None and kind != expected:
                self.violations.append(
                    SafetyViolation(now, self.tls_id, "sequence", f"{prev_kind} -> {kind}")
                )
            if prev_kind == GREEN and kind == YELLOW and state != yellow_of(self.current):
                self.violations.append(SafetyViolation(now, self.tls_id, "sequence", "wrong yellow"))
            self.seen_complete = True
        self.current, self.since = state, now
