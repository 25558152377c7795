"""The bus simulator (모의): buses driving the synthetic loops of ``network.py`` on the twin's grid,
reporting AVL (position, speed, doors, occupancy) like an on-board unit, and BITs answering health
checks. Light on purpose: a kinematic model (no SUMO process), so ``cityhall demo`` stays cheap.

Segment speeds vary by segment and by ten-minute slot (deterministic from ``seed``: congestion that
predictions can learn), with per-run noise; a bus stops at the red of the junction halfway along a
segment when ``lights`` gives its timing (``lights.route_lights``: the traffic app's signal plans);
each bus dwells at every stop (doors open, then closed).
``step(now)`` returns the messages due at ``now``; ``run_simulator`` publishes them over MQTT and a
test can hand them to ``avl.avl_ingest`` directly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from . import network as net
from .avl import avl_topic
from .choices import Occupancy
from .eta import Signals
from .eta.predictors import light_delay, seconds_of_day

log = logging.getLogger(__name__)

REPORT_S = 10.0  # position every 10 s (door events at once): light on the shared broker
BIT_HEALTH_S = 60.0
BIT_TOPIC_PREFIX = "cityhall/v1/bus/bits"
LIGHTS_REFRESH_S = 60.0  # the live simulator rereads the signal plans (an operator may change one)
_OCCUPANCY = list(Occupancy.values)


def bit_health_topic(code: str) -> str:
    return f"{BIT_TOPIC_PREFIX}/{code}/health"


def congestion(seed: int, route: str, segment: int, moment: datetime) -> float:
    """Speed factor 0.55–1.15 for a segment in a ten-minute slot (the same for every run with this seed)."""
    slot = int(moment.timestamp() // 600)
    digest = hashlib.blake2b(f"{seed}:{route}:{segment}:{slot}".encode(), digest_size=4).digest()
    return 0.55 + 0.6 * int.from_bytes(digest) / 2**32


@dataclass
class SimBus:
    code: str
    spec: net.RouteSpec
    segment: int  # heading from stop ``segment`` to ``segment + 1``
    progress_m: float = 0.0
    dwell_left_s: float = 0.0
    red_left_s: float = 0.0  # waiting at a red light
    last_report: datetime | None = None
    occupancy: int = 1
    silent_after: datetime | None = None
    messages: int = 0

    @property
    def segments(self) -> int:
        return len(net.blocks(self.spec.loop))

    @property
    def distance_m(self) -> float:
        return self.segment * net.GRID_SPACING_M + self.progress_m


class Simulator:
    def __init__(
        self,
        vehicles: list[tuple[str, str]],
        *,
        start: datetime,
        seed: int = 1,
        report_s: float = REPORT_S,
        silent: dict[str, float] | None = None,
        bits: list[str] | None = None,
        offline_bits: set[str] | None = None,
        lights: Signals | None = None,
    ) -> None:
        """``vehicles``: (code, route code); a route's buses start evenly spread round its loop.
        ``silent``: vehicle → seconds after start when it stops reporting (a lost AVL unit).
        ``bits``: BIT codes answering health every minute, except ``offline_bits``."""
        specs = {s.code: s for s in net.ROUTES}
        self.rng = random.Random(seed)  # noqa: S311 — a simulation, not a secret
        self.seed = seed
        self.lights = lights or {}
        self.report_s = report_s
        self.now = start
        self.bits = list(bits or [])
        self.offline_bits = set(offline_bits or ())
        self.next_bit_health = start
        self.health_rounds = 0
        by_route: dict[str, list[str]] = {}
        for code, route in vehicles:
            by_route.setdefault(route, []).append(code)
        self.buses: list[SimBus] = []
        for route, codes in by_route.items():
            spec = specs[route]
            n = len(net.blocks(spec.loop))
            for k, code in enumerate(sorted(codes)):
                bus = SimBus(code=code, spec=spec, segment=(k * n) // len(codes))
                if silent and code in silent:
                    bus.silent_after = start + timedelta(seconds=silent[code])
                self.buses.append(bus)

    def _message(self, bus: SimBus, door_open: bool, speed_ms: float) -> tuple[str, bytes]:
        x, y = net.position_at(bus.spec, bus.distance_m)
        lon, lat = net.to_lonlat(x, y)
        bus.messages += 1
        body = {
            "msg_id": f"{bus.code}:{bus.messages}",
            "vehicle": bus.code,
            "ts": self.now.isoformat(),
            "lon": lon,
            "lat": lat,
            "speed_kmh": round(speed_ms * 3.6, 1),
            "door": "open" if door_open else "closed",
            "occupancy": _OCCUPANCY[bus.occupancy],
        }
        bus.last_report = self.now
        return avl_topic(bus.code), json.dumps(body).encode()

    def step(self, dt_s: float = 1.0) -> list[tuple[str, bytes]]:
        """Advance ``dt_s`` seconds; the messages due."""
        self.now = self.now + timedelta(seconds=dt_s)
        out: list[tuple[str, bytes]] = []
        for bus in self.buses:
            speed = 0.0
            event = None
            if bus.dwell_left_s > 0:
                bus.dwell_left_s -= dt_s
                if bus.dwell_left_s <= 0:
                    event = "closed"
            elif bus.red_left_s > 0:
                bus.red_left_s -= dt_s
            else:
                factor = congestion(self.seed, bus.spec.code, bus.segment, self.now)
                speed = net.BUS_SPEED_MS * 1.25 * factor * self.rng.uniform(0.9, 1.1)
                was = bus.progress_m
                bus.progress_m += speed * dt_s
                for light in self.lights.get((bus.spec.code, bus.segment), ()):
                    line = light.share * net.GRID_SPACING_M
                    if was < line <= bus.progress_m:
                        bus.red_left_s = light_delay(light, seconds_of_day(self.now))
                        if bus.red_left_s > 0:  # stops at the line until the green and its queue moves
                            bus.progress_m, speed = line, 0.0
                if bus.progress_m >= net.GRID_SPACING_M:
                    bus.progress_m = 0.0
                    bus.segment = (bus.segment + 1) % bus.segments
                    bus.dwell_left_s = self.rng.uniform(12, 30)
                    bus.occupancy = max(
                        0, min(len(_OCCUPANCY) - 1, bus.occupancy + self.rng.choice((-1, 0, 0, 1)))
                    )
                    speed = 0.0
                    event = "open"
            if bus.silent_after is not None and self.now >= bus.silent_after:
                continue
            due = bus.last_report is None or (self.now - bus.last_report).total_seconds() >= self.report_s
            if event is not None or due:
                out.append(self._message(bus, bus.dwell_left_s > 0, speed))
        if self.bits and self.now >= self.next_bit_health:
            self.next_bit_health = self.now + timedelta(seconds=BIT_HEALTH_S)
            first_round = self.health_rounds == 0
            self.health_rounds += 1
            for code in self.bits:
                if (
                    first_round or code not in self.offline_bits
                ):  # an offline unit answers once, then falls silent
                    out.append((bit_health_topic(code), json.dumps({"ts": self.now.isoformat()}).encode()))
        return out


def demo_simulator(now: datetime | None = None, **options) -> Simulator:
    """Every simulated vehicle and BIT in the database; one BIT stays silent (to show a repair order)."""
    from .models import Bit, Vehicle

    vehicles = list(Vehicle.objects.filter(simulated=True).values_list("code", "route__code"))
    bits = list(Bit.objects.filter(simulated=True).order_by("code").values_list("code", flat=True))
    options.setdefault("offline_bits", set(bits[-1:]))
    return Simulator(vehicles, start=now or timezone.now(), bits=bits, **options)


def run_simulator(url: str, *, stop_event: threading.Event, tick_s: float = 1.0, **options) -> None:
    """Publish the simulation in real time until ``stop_event`` is set."""
    from django.db import close_old_connections

    from cityhall.telemetry.mqtt import broker_from_url, new_client

    from .lights import route_lights

    sim = demo_simulator(**options)
    client, connect = new_client(broker_from_url(url), f"cityhall-bus-sim-{id(sim)}")
    client.reconnect_delay_set(min_delay=1, max_delay=5)
    client.connect_async(**connect)
    client.loop_start()
    lights_read = None
    try:
        while not stop_event.wait(tick_s):
            if lights_read is None or (timezone.now() - lights_read).total_seconds() >= LIGHTS_REFRESH_S:
                close_old_connections()  # this thread reads the database once a minute
                sim.lights, lights_read = route_lights(), timezone.now()
            sim.now = timezone.now() - timedelta(seconds=tick_s)
            for topic, payload in sim.step(tick_s):
                if client.is_connected():
                    client.publish(topic, payload, qos=1)
    finally:
        client.loop_stop()
        client.disconnect()
