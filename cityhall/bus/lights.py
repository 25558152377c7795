"""The traffic lights on the bus routes, with the timing their plans give each bus's movement.

Every segment of a route (stop to stop, both in the middle of their blocks) crosses one junction of
the traffic twin halfway. Where that junction has a signal plan (신호 운영계획, the traffic app's,
editable by its operators), the bus's movement through it — from the block it comes from into the
block it goes on to — is green in one phase of the cycle; the rest of the cycle is red for it. The
arrival predictor takes these timings (``eta.Signals``) and so does the demo's bus simulator, whose
buses stop at the red. A cycle starts at ``offset + k · cycle`` seconds after local midnight: the
coordinated plans' common time reference.
"""

from __future__ import annotations

import logging
from pathlib import Path

from cityhall.traffic import selectors as traffic
from cityhall.traffic.twin.network import read_network
from cityhall.traffic.twin.signals import Plan

from . import network as net
from .eta import Signals, SignalTiming

log = logging.getLogger(__name__)

JUNCTION_SHARE = 0.5  # stops stand mid-block, so the junction is halfway along a segment


def movement_timing(plan: Plan, links: tuple[int, ...], share: float = JUNCTION_SHARE) -> SignalTiming | None:
    """The timing of a movement (its TLS links, one per lane) under ``plan``: red from the end of the
    green phase that serves it to the start of that phase in the next cycle. ``None`` when no phase
    gives it a green (a movement the plan never serves is not a light a bus waits at)."""
    green = next((g for g in map(plan.serving, links) if g is not None), None)
    if green is None:
        return None
    duration = plan.phases[green].duration
    return SignalTiming(
        share=share,
        cycle_s=float(plan.cycle),
        red_s=float(plan.cycle - duration),
        offset_s=float((plan.offset + plan.start_of(green) + duration) % plan.cycle),
    )


def route_lights(routes: tuple[net.RouteSpec, ...] = net.ROUTES) -> Signals:
    """The lights of every route's segments, by (route code, segment index); empty while the traffic
    network is not built (its runtime builds it) or when it cannot be read. The lights are an input
    the predictions and the demo's buses do without: nothing here may stop either."""
    try:
        return _route_lights(routes)
    except Exception:  # a half-written network file, a database away, a plan that does not parse
        log.warning("bus: no traffic lights for the arrival predictions", exc_info=True)
        return {}


def _route_lights(routes: tuple[net.RouteSpec, ...]) -> Signals:
    network = traffic.active_network()
    if network is None:
        return {}
    info = read_network(Path(network.path))
    plans = traffic.signal_plans(network)
    out: dict[tuple[str, int], tuple[SignalTiming, ...]] = {}
    for spec in routes:
        legs = net.blocks(spec.loop)
        for i, (a, b) in enumerate(legs):
            c = legs[(i + 1) % len(legs)][1]
            signal, plan = info.signals.get(b), plans.get(b)
            if signal is None or plan is None:
                continue
            timing = movement_timing(plan, signal.movements.get((f"{a}{b}", f"{b}{c}"), ()))
            if timing is not None:
                out[(spec.code, i)] = (timing,)
    return out
