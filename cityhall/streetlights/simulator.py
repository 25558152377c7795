"""The streetlight simulator (`cityhall simulate streetlights`): the field, as the platform hears it.

Two layers, so that the model can be tested without a broker:

- :class:`Fleet` is the pure, deterministic model. Given the registry rows (as :class:`SiteSpec` and
  :class:`LightSpec`), a start time and a random seed, ``tick(now)`` returns the telemetry messages
  due at ``now`` (ADR 0007 topics and payloads, all marked ``"simulated": true``) and
  ``handle_command`` applies a ``cmd`` message and returns its ``cmd/ack``. Lamps follow their site's
  dimming schedule (``operation.lamp_command_at``) unless a command overrides it; power follows
  ``energy.Luminaire``; faults are injected at random (seeded) and clear after a while.
- :func:`run_simulator` is the thin MQTT part: one client per base station (the gateway,
  ``cityhall-sim-<station>``), publishing what the fleet says at QoS 1, feeding it the commands
  it receives, and disconnecting for the length of a base-station outage.

Each light reports every ``interval_s`` (a heartbeat; the lights are spread over the interval, not
sent in a burst) and at once when its lamp state or its fault codes change.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import queue
import random
import re
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from cityhall.telemetry.validation import TOPIC_PREFIX, telemetry_topic

from .choices import FaultKind
from .energy.model import Luminaire, energy_wh
from .operations import dimming as operation
from .operations import solar

log = logging.getLogger(__name__)


class _QuietReconnects(logging.Filter):
    """paho logs an English ERROR line every time its loop runs without a socket (each retry and
    each shutdown); the simulator's own Korean warnings say what matters."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Client is not connected")


_paho_log = logging.getLogger("paho.mqtt.simulator")
_paho_log.addFilter(_QuietReconnects())

CMD_SUBSCRIPTION = f"{TOPIC_PREFIX}/+/cmd"
CMD_TOPIC_RE = re.compile(rf"^{re.escape(TOPIC_PREFIX)}/(?P<device>[^/]+)/cmd$")
CMD_ACTIONS = ("on", "off", "dim", "auto")
NOMINAL_V = 220.0
POWER_FACTOR = 0.95
#: ASSUMPTION (가정): a light with no install date (neither its own nor its site's) starts its meter here.
METER_EPOCH = date(2020, 1, 1)
DEFAULT_INTERVAL_S = 10.0
DEFAULT_FAULT_RATE = 4.0  # new faults per hour across the whole fleet
CLIENT_ID_PREFIX = "cityhall-sim-"
SCHEDULE_REFRESH_S = 60.0

# Fault kinds the simulator injects; named as the rules name what they find (choices.FaultKind).
LAMP_FAILURE = FaultKind.LAMP_FAILURE.value
ABNORMAL_POWER = FaultKind.ABNORMAL_POWER.value
FLICKER = FaultKind.FLICKER.value
STATION_OUTAGE = FaultKind.STATION_OFFLINE.value
LIGHT_FAULTS = (LAMP_FAILURE, ABNORMAL_POWER, FLICKER)
#: Faults injected at start go through the kinds in this order, so a short demo shows each of them.
INITIAL_ORDER = (LAMP_FAILURE, ABNORMAL_POWER, FLICKER, STATION_OUTAGE)
_FAULT_CODES = {LAMP_FAILURE: ("LAMP_FAIL",), FLICKER: ("FLICKER",)}


def _label(kind: str) -> str:
    return str(FaultKind(kind).label)


def status_topic(device_id: str) -> str:
    return f"{TOPIC_PREFIX}/{device_id}/status"


def cmd_topic(device_id: str) -> str:
    return f"{TOPIC_PREFIX}/{device_id}/cmd"


def ack_topic(device_id: str) -> str:
    return f"{TOPIC_PREFIX}/{device_id}/cmd/ack"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(frozen=True)
class SiteSpec:
    """A site as the simulator needs it: where it is (for sunset/sunrise) and its schedule."""

    code: str
    lat: float = solar.GIMPO_LAT
    lon: float = solar.GIMPO_LON
    schedule: operation.DimmingSchedule = operation.DEFAULT_SCHEDULE


@dataclass(frozen=True)
class LightSpec:
    """A light of the registry: its code (= device id), site, base station, rating and install date."""

    code: str
    site: str
    station: str
    rated_w: float = 100.0
    installed: date | None = None


@dataclass(frozen=True)
class FaultSettings:
    """How often faults happen and how long they last (seconds, drawn uniformly from the range)."""

    rate_per_hour: float = DEFAULT_FAULT_RATE
    weights: tuple[tuple[str, float], ...] = (
        (LAMP_FAILURE, 0.35),
        (ABNORMAL_POWER, 0.25),
        (FLICKER, 0.25),
        (STATION_OUTAGE, 0.15),
    )
    duration_s: tuple[float, float] = (300.0, 1800.0)
    outage_s: tuple[float, float] = (180.0, 600.0)
    abnormal_factor: tuple[float, float] = (1.5, 2.0)

    def __post_init__(self) -> None:
        if self.rate_per_hour < 0 or not math.isfinite(self.rate_per_hour):
            raise ValueError(f"고장 발생률 {self.rate_per_hour}(시간당)은 0 이상이어야 합니다.")
        for name, (low, high) in (("고장 지속시간", self.duration_s), ("기지국 장애 시간", self.outage_s)):
            if not 0 < low <= high:
                raise ValueError(f"{name} 범위 {low}~{high}초가 올바르지 않습니다.")
        unknown = [kind for kind, _ in self.weights if kind not in (*LIGHT_FAULTS, STATION_OUTAGE)]
        if unknown or not self.weights or sum(w for _, w in self.weights) <= 0:
            raise ValueError(f"고장 유형 가중치가 올바르지 않습니다: {self.weights}")


@dataclass
class Fault:
    """An injected fault: ``target`` is a light code, or a station code for a station outage."""

    kind: str
    target: str
    started: datetime
    ends: datetime
    factor: float = 1.0  # power multiplier of an abnormal draw

    @property
    def codes(self) -> tuple[str, ...]:
        return _FAULT_CODES.get(self.kind, ())


@dataclass(frozen=True)
class Message:
    """One MQTT message to publish through the gateway of ``station``."""

    station: str
    topic: str
    payload: dict

    def body(self) -> bytes:
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":")).encode()


class _Light:
    __slots__ = (
        "spec",
        "luminaire",
        "energy",
        "power",
        "next_due",
        "reported",
        "override",
        "flicker_lit",
        "seq",
    )

    def __init__(self, spec: LightSpec, energy: float, next_due: datetime) -> None:
        self.spec = spec
        self.luminaire = Luminaire(rated_w=spec.rated_w)
        self.energy = energy  # Wh, float; the payload carries its floor
        self.power = 0.0  # the true draw since the last tick (W), integrated into ``energy``
        self.next_due = next_due
        self.reported: tuple | None = None  # (on, dim, fault codes) last sent
        self.override: tuple[bool, int] | None = None  # from a command until "auto"
        self.flicker_lit = False
        self.seq = 0


class Fleet:
    """The simulated lights of one run: deterministic for a given seed and sequence of calls.

    ``meters`` gives each light's starting energy count (Wh; see :func:`modelled_meters`); ``boot_id``
    makes message ids unique across runs (a fresh random one by default, also under a fixed seed).
    """

    def __init__(
        self,
        sites: Iterable[SiteSpec],
        lights: Iterable[LightSpec],
        *,
        start: datetime,
        seed: int | None = None,
        interval_s: float = DEFAULT_INTERVAL_S,
        faults: FaultSettings | None = None,
        meters: dict[str, float] | None = None,
        boot_id: str | None = None,
        stations: Iterable[str] = (),
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("시작 시각에 시간대가 없습니다(aware datetime이 필요합니다).")
        if not interval_s > 0:
            raise ValueError(f"보고 주기 {interval_s}초는 0보다 커야 합니다.")
        self.sites = {site.code: site for site in sites}
        specs = sorted(lights, key=lambda s: s.code)
        if not specs:
            raise ValueError("모의할 가로등이 없습니다.")
        missing = sorted({s.site for s in specs} - set(self.sites))
        if missing:
            raise ValueError(f"설치 지역 정보가 없습니다: {', '.join(missing)}")
        self.interval = timedelta(seconds=interval_s)
        self.faults = faults or FaultSettings()
        # Two streams: the faults a seed gives do not depend on how many reports drew noise before.
        self.rng = random.Random(seed)  # noqa: S311 - a simulation, not cryptography
        self.fault_rng = random.Random(None if seed is None else f"faults-{seed}")  # noqa: S311
        self.boot_id = boot_id or uuid.uuid4().hex[:12]
        self.now = start
        meters = meters or {}
        n = len(specs)
        # Light i of n first reports at i/n of the interval: a steady stream, not a burst.
        self.lights = [
            _Light(spec, float(meters.get(spec.code, 0.0)), start + self.interval * (i / n))
            for i, spec in enumerate(specs)
        ]
        self.by_code = {light.spec.code: light for light in self.lights}
        self._stations_with_lights = {spec.station for spec in specs}
        # A base station without lights still runs its gateway (and can fail).
        self.stations = sorted({*stations, *(s.station for s in specs)})
        self.light_faults: dict[str, Fault] = {}
        self.outages: dict[str, Fault] = {}
        self.injected = 0
        self.cleared = 0
        self.commands = 0
        self.bad_commands = 0
        self.next_random_fault = self._next_fault_after(start)
        commands = self._site_commands(start)
        for light in self.lights:
            steady = self._steady(light, commands)
            light.reported = steady
            light.power = self._true_power(light, steady)

    # -- time ---------------------------------------------------------------------------------------

    def tick(self, now: datetime) -> list[Message]:
        """Advance to ``now`` and return the reports due: changed lamps at once, the others at their
        heartbeat slot. Lights behind a base station that is out stay silent (their meters run on)."""
        if now < self.now:
            now = self.now  # the model's clock never runs back
        hours = (now - self.now).total_seconds() / 3600
        for light in self.lights:
            light.energy += light.power * hours
        self.now = now
        self._expire(now)
        while self.next_random_fault is not None and self.next_random_fault <= now:
            self.inject(now=self.next_random_fault)
            self.next_random_fault = self._next_fault_after(self.next_random_fault)
        commands = self._site_commands(now)
        ambient = _ambient_c(now)
        out = []
        for light in self.lights:
            steady = self._steady(light, commands)
            light.power = self._true_power(light, steady)
            due = light.next_due <= now
            while light.next_due <= now:
                light.next_due += self.interval
            if light.spec.station in self.outages:
                continue
            if steady != light.reported:
                out.append(self._report(light, steady, now, ambient, heartbeat=False))
            elif due:
                out.append(self._report(light, steady, now, ambient, heartbeat=True))
        return out

    def _site_commands(self, now: datetime) -> dict[str, tuple[bool, int]]:
        # Once per site and tick, not per light: the schedule is the site's.
        return {
            code: operation.lamp_command_at(now, site.schedule, site.lat, site.lon)
            for code, site in self.sites.items()
        }

    def _steady(self, light: _Light, commands: dict[str, tuple[bool, int]]) -> tuple:
        on, dim = light.override if light.override is not None else commands[light.spec.site]
        fault = self.light_faults.get(light.spec.code)
        return (on, dim, fault.codes if fault else ())

    def _true_power(self, light: _Light, steady: tuple) -> float:
        on, dim, _ = steady
        expected = light.luminaire.power_w(on, dim)
        fault = self.light_faults.get(light.spec.code)
        if not on or fault is None:
            return expected
        if fault.kind == LAMP_FAILURE:
            return 0.5  # the driver's standby draw; the LED is dark
        if fault.kind == FLICKER:
            return expected / 2  # lit about half the time
        return expected * fault.factor

    def _report(
        self, light: _Light, steady: tuple, now: datetime, ambient: float, *, heartbeat: bool
    ) -> Message:
        on, dim, codes = steady
        light.reported = steady
        light.seq += 1
        rng = self.rng
        fault = self.light_faults.get(light.spec.code)
        lit = on
        if on and fault is not None and fault.kind == FLICKER:
            light.flicker_lit = not light.flicker_lit  # dark and lit in successive reports
            lit = light.flicker_lit
        voltage = NOMINAL_V * (1 + max(-0.02, min(0.02, rng.gauss(0, 0.007))))
        if not lit:
            power = light.luminaire.power_w(False, dim)
        elif fault is not None and fault.kind == LAMP_FAILURE:
            power = rng.uniform(0.2, 0.8)
        else:
            power = light.luminaire.power_w(True, dim) * (1 + rng.gauss(0, 0.01))
            if fault is not None and fault.kind == ABNORMAL_POWER:
                power *= fault.factor
        power = max(0.0, power)
        temperature = ambient + (dim * 0.1 if lit else 0.0) + rng.gauss(0, 0.3)
        payload = {
            "msg_id": f"{self.boot_id}-{light.seq}",
            "device_id": light.spec.code,
            "ts": _iso(now),
            "lamp_on": lit,
            "dim": dim,
            "power_w": round(power, 1),
            "energy_wh": int(light.energy),
            "voltage_v": round(voltage, 1),
            "current_a": round(power / (voltage * POWER_FACTOR), 3),
            "temperature_c": round(max(-40.0, min(90.0, temperature)), 1),
            "heartbeat": heartbeat,
            "faults": list(codes),
            "simulated": True,
        }
        return Message(light.spec.station, telemetry_topic(light.spec.code), payload)

    # -- faults -------------------------------------------------------------------------------------

    def _next_fault_after(self, moment: datetime) -> datetime | None:
        rate = self.faults.rate_per_hour
        if rate <= 0:
            return None
        return moment + timedelta(seconds=self.fault_rng.expovariate(rate / 3600))

    def _expire(self, now: datetime) -> None:
        for faults in (self.light_faults, self.outages):
            for target in [t for t, f in faults.items() if f.ends <= now]:
                fault = faults.pop(target)
                self.cleared += 1
                log.info("모의 고장 해소: %s %s", _label(fault.kind), target)

    def inject(
        self,
        kind: str | None = None,
        target: str | None = None,
        *,
        now: datetime | None = None,
        duration_s: float | None = None,
    ) -> Fault | None:
        """Start a fault (``kind`` None: drawn by the weights) on ``target`` (None: a random healthy
        light or station). Returns it, or None when there is nothing left to break."""
        now = now or self.now
        rng = self.fault_rng
        if kind is None:
            kinds, weights = zip(*self.faults.weights, strict=True)
            kind = rng.choices(kinds, weights)[0]
        if kind == STATION_OUTAGE:
            pool, faults, span = self.stations, self.outages, self.faults.outage_s
        elif kind in LIGHT_FAULTS:
            pool, faults, span = list(self.by_code), self.light_faults, self.faults.duration_s
        else:
            raise ValueError(f"알 수 없는 고장 유형입니다: {kind}")
        if target is None:
            healthy = [t for t in pool if t not in faults and t not in self.outages]
            if kind != STATION_OUTAGE:
                healthy = [t for t in healthy if self.by_code[t].spec.station not in self.outages]
            else:
                # A random outage hits a station with lights, when there is one: it is the one that
                # shows (대곶면's nine stations carry none in the seed).
                healthy = [t for t in healthy if t in self._stations_with_lights] or healthy
            if not healthy:
                return None
            target = rng.choice(healthy)
        elif target not in pool:
            raise ValueError(f"모의 대상에 없는 장치입니다: {target}")
        duration = duration_s if duration_s is not None else rng.uniform(*span)
        factor = rng.uniform(*self.faults.abnormal_factor) if kind == ABNORMAL_POWER else 1.0
        fault = Fault(kind, target, now, now + timedelta(seconds=duration), factor)
        faults[target] = fault
        self.injected += 1
        log.info("모의 고장 발생: %s %s (%.0f분)", _label(kind), target, duration / 60)
        return fault

    def station_down(self, station: str) -> bool:
        return station in self.outages

    @property
    def active_faults(self) -> list[Fault]:
        return [*self.light_faults.values(), *self.outages.values()]

    # -- commands -----------------------------------------------------------------------------------

    def handle_command(
        self, topic: str, payload: bytes, *, now: datetime, station: str | None = None
    ) -> Message | None:
        """Apply a ``cmd`` message and return its ``cmd/ack`` (None: not ours, station out, or no
        ``cmd_id`` to answer to). ``station``: the gateway that received it (each hears all commands)."""
        match = CMD_TOPIC_RE.match(topic)
        light = self.by_code.get(match["device"]) if match else None
        if light is None or (station is not None and light.spec.station != station):
            return None
        if light.spec.station in self.outages:
            return None  # the gateway is out: nobody hears the command
        self.commands += 1
        try:
            data = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        cmd_id = data.get("cmd_id") if isinstance(data, dict) else None
        if not isinstance(cmd_id, str) or not cmd_id or len(cmd_id) > 64:
            self.bad_commands += 1
            log.warning("응답할 수 없는 명령(cmd_id 없음) %s: %r", topic, payload[:200])
            return None
        reason = self._check_command(data)
        if reason:
            self.bad_commands += 1
        else:
            action = data["action"]
            if action == "auto":
                light.override = None
            elif action == "off":
                light.override = (False, 0)
            else:
                level = data.get("dim")  # null counts as missing (ADR 0007); "on" alone is 100 %
                level = 100 if level is None else level
                light.override = (level > 0, level)
        ack = {
            "cmd_id": cmd_id,
            "device_id": light.spec.code,
            "result": "error" if reason else "ok",
            "reason": reason,
            "ts": _iso(now),
            "simulated": True,
        }
        return Message(light.spec.station, ack_topic(light.spec.code), ack)

    @staticmethod
    def _check_command(data: dict) -> str:
        """'' for a good command, else the Korean reason it was refused."""
        try:
            uuid.UUID(data["cmd_id"])
        except ValueError:
            return f"cmd_id {data['cmd_id']!r}은(는) UUID가 아닙니다."
        action = data.get("action")
        if action not in CMD_ACTIONS:
            return f"알 수 없는 명령 {action!r}입니다 ({', '.join(CMD_ACTIONS)} 중 하나)."
        level = data.get("dim")
        if action == "dim" and level is None:
            return "밝기 조절 명령에 'dim'(0~100) 값이 없습니다."
        if level is not None and action in ("on", "dim"):
            if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100:
                return f"'dim' 값 {level!r}은(는) 0~100 사이의 정수여야 합니다."
        return ""


def _ambient_c(now: datetime) -> float:
    """Air temperature at Gimpo, roughly: a seasonal mean (−3 °C in January, 26 °C in August) and a
    daily swing of ±4 °C peaking at 15:00 local time."""
    local = now.astimezone(operation.SEOUL)
    day_of_year = local.timetuple().tm_yday
    seasonal = 11.5 - 14.5 * math.cos(2 * math.pi * (day_of_year - 20) / 365.25)
    hour = local.hour + local.minute / 60
    return seasonal + 4.0 * math.cos(2 * math.pi * (hour - 15) / 24)


def modelled_meters(
    sites: Iterable[SiteSpec], lights: Iterable[LightSpec], now: datetime
) -> dict[str, float]:
    """Each light's energy count (Wh) at ``now`` as if it had followed its site's schedule since its
    install date (else ``METER_EPOCH``): ``energy.energy_wh`` once per site and install date, scaled
    by the rating (power is proportional to it), so a restart never starts a meter below the last."""
    sites_by_code = {s.code: s for s in sites}
    per_watt: dict[tuple[str, date], float] = {}
    meters = {}
    for light in lights:
        site = sites_by_code[light.site]
        installed = light.installed or METER_EPOCH
        key = (site.code, installed)
        if key not in per_watt:
            begin = datetime.combine(installed, clock(0), tzinfo=site.schedule.tz)
            per_watt[key] = (
                energy_wh(begin, now, site.schedule, site.lat, site.lon, Luminaire(rated_w=1))
                if begin < now
                else 0.0
            )
        meters[light.code] = per_watt[key] * light.rated_w
    return meters


# -- the registry -----------------------------------------------------------------------------------


def load_registry(lights: Iterable | None = None) -> tuple[list[SiteSpec], list[LightSpec], list[str]]:
    """Sites, lights and base stations to simulate: ``lights`` (Streetlight rows or codes) and their
    stations, else every light in service on an active base station and every active station. A
    site without a valid stored schedule uses the default."""
    from .choices import LightState, StationState
    from .models import BaseStation, Streetlight

    qs = (
        Streetlight.objects.exclude(state=LightState.RETIRED)
        .filter(base_station__state=StationState.ACTIVE)
        .select_related("site", "base_station")
        .order_by("code")
    )
    if lights is not None:
        codes = [getattr(light, "code", light) for light in lights]
        qs = qs.filter(code__in=codes)
    rows = list(qs)
    specs = [
        LightSpec(
            code=row.code,
            site=row.site.code,
            station=row.base_station.code,
            rated_w=float(row.rated_power_w),
            installed=row.installed or row.site.installed_start,
        )
        for row in rows
    ]
    stations = {spec.station for spec in specs}
    if lights is None:
        stations |= set(BaseStation.objects.filter(state=StationState.ACTIVE).values_list("code", flat=True))
    return site_specs({row.site for row in rows}), specs, sorted(stations)


def site_specs(sites: Iterable) -> list[SiteSpec]:
    """SiteSpec for ``StreetlightSite`` rows, with each site's current schedule."""
    from .models import SiteSchedule

    sites = list(sites)
    stored = {s.site_id: s for s in SiteSchedule.objects.filter(site__in=[site.pk for site in sites])}
    out = []
    for site in sorted(sites, key=lambda s: s.code):
        schedule = operation.DEFAULT_SCHEDULE
        if site.pk in stored:
            try:
                schedule = stored[site.pk].as_schedule()
            except operation.ScheduleError as exc:
                log.warning("%s의 저장된 스케줄이 올바르지 않아 기본 스케줄을 씁니다: %s", site.name, exc)
        out.append(
            SiteSpec(
                code=site.code,
                lat=float(site.lat) if site.lat is not None else solar.GIMPO_LAT,
                lon=float(site.lon) if site.lon is not None else solar.GIMPO_LON,
                schedule=schedule,
            )
        )
    return out


def fleet_from_registry(
    lights: Iterable | None = None,
    *,
    now: datetime,
    seed: int | None = None,
    interval_s: float = DEFAULT_INTERVAL_S,
    faults: FaultSettings | None = None,
    boot_id: str | None = None,
) -> Fleet:
    """A :class:`Fleet` of the registry's lights whose meters start at the modelled count, or at the
    last count the platform stored for the light if that is higher (never backwards on a restart)."""
    from .registry.selectors import device_states

    sites, specs, stations = load_registry(lights)
    if not specs:
        raise ValueError("모의할 가로등이 없습니다. 가로등 대장을 먼저 만드세요 (cityhall demo --no-serve).")
    meters = modelled_meters(sites, specs, now)
    for code, state in device_states([s.code for s in specs]).items():
        meters[code] = max(meters[code], float(state.energy_wh))
    return Fleet(
        sites,
        specs,
        start=now,
        seed=seed,
        interval_s=interval_s,
        faults=faults,
        meters=meters,
        boot_id=boot_id,
        stations=stations,
    )


# -- MQTT -------------------------------------------------------------------------------------------


@dataclass
class SimulatorStats:
    """What a run did; updated while it runs (read it from another thread for progress)."""

    lights: int = 0
    stations: int = 0
    published: int = 0
    dropped: int = 0  # reports due while the gateway was not connected (not buffered)
    commands: int = 0
    bad_commands: int = 0
    acks: int = 0
    faults_injected: int = 0
    faults_cleared: int = 0
    active_faults: list[str] = field(default_factory=list)
    connects: int = 0
    outages: int = 0


class _Gateway:
    """One base station's MQTT connection: its lights' telemetry out, commands in."""

    def __init__(self, broker, station: str, inbox: queue.SimpleQueue, stats: SimulatorStats) -> None:
        from cityhall.telemetry.mqtt import new_client

        self.station, self.stats, self.broker = station, stats, broker
        self.client, self.connect = new_client(broker, f"{CLIENT_ID_PREFIX}{station}")
        # The broker announces an abnormal drop as the station's last will (ADR 0007, status).
        self.client.will_set(status_topic(station), "offline", qos=1, retain=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=10)
        self.client.enable_logger(_paho_log)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = lambda client, userdata, mid, reason_codes, properties: (
            self.subscribed.set()
        )
        self.subscribed = threading.Event()
        self.client.on_message = lambda client, userdata, msg: inbox.put((station, msg.topic, msg.payload))
        self.up = False

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.warning("기지국 %s MQTT 연결 거부: %s", self.station, reason_code)
            return
        self.stats.connects += 1
        client.publish(status_topic(self.station), "online", qos=1, retain=True)
        client.subscribe(CMD_SUBSCRIPTION, qos=1)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        if self.up and reason_code != 0:  # not our own outage or shutdown: paho reconnects
            log.warning("기지국 %s MQTT 연결 끊김: %s (다시 연결합니다)", self.station, reason_code)

    def start(self) -> None:
        self.client.connect_async(**self.connect)
        self.client.loop_start()
        self.up = True

    def outage(self) -> None:
        """Drop off the network as a failed station does: the broker publishes the will."""
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.reasoncodes import ReasonCode

        self.up = False
        if self.broker.v5:
            self.client.disconnect(reasoncode=ReasonCode(PacketTypes.DISCONNECT, identifier=4))
        else:  # 3.1.1 has no "disconnect with will": say it ourselves
            self._say_offline()
            self.client.disconnect()
        self.client.loop_stop()
        self.stats.outages += 1

    def publish(self, message: Message) -> None:
        if not self.client.is_connected():
            self.stats.dropped += 1
            return
        self.client.publish(message.topic, message.body(), qos=1)
        self.stats.published += 1

    def _say_offline(self) -> None:
        # Wait for the PUBACK: left in paho's queue, it would be resent after the next "online".
        if self.client.is_connected():
            info = self.client.publish(status_topic(self.station), "offline", qos=1, retain=True)
            try:
                info.wait_for_publish(timeout=2)
            except (RuntimeError, ValueError):
                pass

    def close(self) -> None:
        """Say goodbye and disconnect; ``loop_stop`` is left to :func:`_close_all` (in parallel)."""
        if self.up:
            self._say_offline()
            self.client.disconnect()


def _close_all(gateways: Iterable[_Gateway]) -> None:
    # A gateway still retrying its connection ends its network thread only at its next retry
    # check (up to a second): stop them all at once, not one after the other.
    running = [g for g in gateways if g.up]
    for gateway in running:
        gateway.close()
    stoppers = [threading.Thread(target=g.client.loop_stop) for g in running]
    for stopper in stoppers:
        stopper.start()
    for stopper in stoppers:
        stopper.join()
    for gateway in running:
        gateway.up = False


def run_simulator(
    url: str | None = None,
    *,
    stop_event: threading.Event | None = None,
    interval_s: float = DEFAULT_INTERVAL_S,
    initial_faults: int = 3,
    fault_rate_per_hour: float = DEFAULT_FAULT_RATE,
    seed: int | None = None,
    lights: Iterable | None = None,
    faults: FaultSettings | None = None,
    stats: SimulatorStats | None = None,
) -> SimulatorStats:
    """Simulate the registry's lights (or ``lights``: rows or codes) against the broker at ``url``
    until ``stop_event`` is set; return what was done. ``faults`` overrides the fault settings
    (its rate is then taken from ``fault_rate_per_hour``). Raises ``ValueError`` (Korean) for a bad
    URL or argument, or an empty registry. Runs in the calling thread; paho runs one network thread
    per base station."""
    from django.db import connection

    from cityhall.telemetry.mqtt import broker_from_url

    broker = broker_from_url(url)
    if initial_faults < 0:
        raise ValueError(f"처음 고장 수 {initial_faults}는 0 이상이어야 합니다.")
    settings = dataclasses.replace(faults or FaultSettings(), rate_per_hour=fault_rate_per_hour)
    stop_event = stop_event or threading.Event()
    stats = stats if stats is not None else SimulatorStats()
    fleet = fleet_from_registry(
        lights, now=datetime.now(UTC), seed=seed, interval_s=interval_s, faults=settings
    )
    site_rows = _site_rows(fleet)
    stats.lights, stats.stations = len(fleet.lights), len(fleet.stations)
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    gateways = {code: _Gateway(broker, code, inbox, stats) for code in fleet.stations}
    # Small ticks keep the stream smooth: 638 lights over 10 s is ~32 reports per half-second tick.
    tick_s = min(1.0, max(0.05, interval_s / 20))
    next_refresh = time.monotonic() + SCHEDULE_REFRESH_S
    log.info("가로등 %d대, 기지국 %d개소 모의 시작 (%s)", stats.lights, stats.stations, broker)
    try:
        # The first gateway subscribes before the others connect: amqtt 0.12.1 (the embedded broker)
        # drops a connecting client when a new subscription filter appears meanwhile.
        first, *others = gateways.values()
        first.start()
        reachable = _wait_connected([first], stop_event, subscribed=True)
        for gateway in others:
            gateway.start()
        if not (reachable and _wait_connected(list(gateways.values()), stop_event)):
            missing = sum(not g.client.is_connected() for g in gateways.values())
            log.warning("브로커에 연결하지 못한 기지국 %d개소: 연결될 때까지 재시도합니다.", missing)
        # Injected once connected, so that a station outage shows as one (its will says "offline").
        for index in range(initial_faults):
            fleet.inject(INITIAL_ORDER[index % len(INITIAL_ORDER)], now=datetime.now(UTC))
        while not stop_event.is_set():
            now = datetime.now(UTC)
            _publish(fleet.tick(now), gateways)
            for code, gateway in gateways.items():
                down = fleet.station_down(code)
                if down and gateway.up:
                    gateway.outage()
                elif not down and not gateway.up:
                    gateway.start()
            _sync(stats, fleet)
            if time.monotonic() >= next_refresh:
                _refresh_schedules(fleet, site_rows)
                next_refresh = time.monotonic() + SCHEDULE_REFRESH_S
            deadline = time.monotonic() + tick_s
            # Commands are applied between ticks, one thread owning the fleet; the changed lamp
            # reports right after its ack.
            while not stop_event.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    station, topic, payload = inbox.get(timeout=remaining)
                except queue.Empty:
                    break
                now = datetime.now(UTC)
                ack = fleet.handle_command(topic, payload, now=now, station=station)
                if ack is not None:
                    gateways[station].publish(ack)
                    stats.acks += 1
                    _publish(fleet.tick(now), gateways)
    finally:
        _close_all(gateways.values())
        _sync(stats, fleet)
        if threading.current_thread() is not threading.main_thread():
            connection.close()  # a thread's own connection; the caller's thread keeps its own
    log.info("모의 종료: 보고 %d건, 응답 %d건", stats.published, stats.acks)
    return stats


def _wait_connected(
    gateways: list[_Gateway], stop_event: threading.Event, timeout: float = 5.0, *, subscribed: bool = False
) -> bool:
    """Give the gateways a moment to connect, so the first reports are not dropped; a broker that is
    down is retried by paho in the background while the fleet runs on."""
    deadline = time.monotonic() + timeout
    while not stop_event.is_set() and time.monotonic() < deadline:
        if all(g.client.is_connected() and (g.subscribed.is_set() or not subscribed) for g in gateways):
            return True
        time.sleep(0.05)
    return False


def _publish(messages: list[Message], gateways: dict[str, _Gateway]) -> None:
    for message in messages:
        gateways[message.station].publish(message)


def _sync(stats: SimulatorStats, fleet: Fleet) -> None:
    stats.commands, stats.bad_commands = fleet.commands, fleet.bad_commands
    stats.faults_injected, stats.faults_cleared = fleet.injected, fleet.cleared
    stats.active_faults = sorted(f"{f.kind}:{f.target}" for f in fleet.active_faults)


def _site_rows(fleet: Fleet) -> list:
    from .models import StreetlightSite

    return list(StreetlightSite.objects.filter(code__in=list(fleet.sites)))


def _refresh_schedules(fleet: Fleet, site_rows: list) -> None:
    """Pick up schedules changed by operators while the simulator runs."""
    from django.db import DatabaseError

    try:
        for spec in site_specs(site_rows):
            fleet.sites[spec.code] = spec
    except DatabaseError as exc:
        log.warning("스케줄을 다시 읽지 못했습니다: %s", exc)
