"""Simulated analytics events (모의) for the control centre: realistic rates for 7,430 cameras, with
bursts (one camera firing again and again: a flag in the wind, headlights) and false alarms (low
confidence, mostly loitering and abandoned objects). Every event says ``"simulated": true``."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from . import triage

# Share of each type in a realistic mix (most events are minor), summing to 100.
KIND_MIX = [
    ("loitering", 30),
    ("intrusion", 20),
    ("abandoned_object", 15),
    ("crowd", 12),
    ("wrong_way", 8),
    ("fall", 6),
    ("fight", 5),
    ("fire_smoke", 4),
]
FALSE_ALARM_SHARE = 0.35
BURST_SHARE = 0.02  # of events, each starting a burst
BURST_SIZE = (8, 25)


def _kinds() -> list[str]:
    return [k for k, w in KIND_MIX for _ in range(w)]


def events(
    cameras: Sequence[str], n: int, *, now: datetime, seed: int | None = None
) -> Iterator[tuple[str, str, bytes]]:
    """``n`` events as (id, camera code, JSON bytes), times spread over the last few seconds before
    ``now``."""
    rng = random.Random(seed)  # noqa: S311 - simulated events
    kinds = _kinds()
    produced = 0
    while produced < n:
        camera = rng.choice(cameras)
        burst = rng.random() < BURST_SHARE
        count = min(n - produced, rng.randint(*BURST_SIZE) if burst else 1)
        kind = rng.choice(kinds)
        for _ in range(count):
            false_alarm = burst or rng.random() < FALSE_ALARM_SHARE
            confidence = rng.uniform(0.3, 0.6) if false_alarm else rng.uniform(0.6, 0.99)
            event_id = (
                f"sim-{uuid.UUID(int=rng.getrandbits(128)).hex}"
                if seed is not None
                else f"sim-{uuid.uuid4().hex}"
            )
            moment = now - timedelta(milliseconds=rng.randint(0, 2000))
            payload = triage.encoder.encode(
                {
                    "id": event_id,
                    "camera": camera,
                    "rule": f"zone-{rng.randint(1, 4)}",
                    "type": kind,
                    "confidence": round(confidence, 3),
                    "time": moment.isoformat(),
                    "snapshot": f"vms://sim/{camera}/{event_id}.jpg",
                    "simulated": True,
                }
            )
            produced += 1
            yield event_id, camera, payload
