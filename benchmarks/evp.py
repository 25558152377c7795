"""``cityhall bench evp``: emergency-vehicle preemption in the traffic twin (SUMO).

The same network (the synthetic 6 × 6 grid, 36 signals) and the same demand (seeded) run without
preemption, with the naive approach rule (approach green within 200 m) and with ours (predicted arrival,
queue clearance, early green / green extension, recovery), at off-peak and peak demand over several
seeds. Per run: ``ev_travel_time_change`` (mean over the run's emergency vehicles of t/t_none − 1,
negative is faster), ``others_delay_change`` (mean time loss of every other vehicle vs none), ``ev_stops``,
``decision_p99_ms``. Summaries: medians with 95 % bootstrap intervals. Also the twin's speed (a peak
hour without preemption, simulated seconds per wall second).

    cityhall bench evp [--seeds N] [--json] [--smoke] [--save] [--no-speed]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cityhall.traffic.twin import network as twin_network
from cityhall.traffic.twin import scenario as twin_scenario
from cityhall.traffic.twin import simulation
from cityhall.traffic.twin.demand import LEVELS
from cityhall.traffic.twin.sumo import version

STRATEGIES = ("none", "naive", "predictive")
BOOTSTRAP = 2000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def interval(values: list[float], *, seed: int = 7) -> dict:
    """Median with a 95 % bootstrap percentile interval (deterministic)."""
    if not values:
        return {"median": None, "low": None, "high": None, "n": 0}
    rng = random.Random(seed)
    medians = sorted(
        statistics.median(rng.choice(values) for _ in values)
        for _ in range(BOOTSTRAP if len(values) > 1 else 1)
    )
    return {
        "median": round(statistics.median(values), 4),
        "low": round(medians[int(0.025 * (len(medians) - 1))], 4),
        "high": round(medians[int(0.975 * (len(medians) - 1))], 4),
        "n": len(values),
    }


def compare(base: simulation.RunResult, other: simulation.RunResult) -> dict:
    t0, t1 = base.ev_travel_times(), other.ev_travel_times()
    common = [v for v in t0 if v in t1]
    ev_change = statistics.fmean(t1[v] / t0[v] - 1 for v in common) if common else None
    others = other.others_delay_change(base)
    return {
        "ev_travel_time_change": None if ev_change is None else round(ev_change, 4),
        "others_delay_change": None if others is None else round(others, 4),
        "ev_stops": round(statistics.fmean(e.stops for e in other.evs.values()), 2),
        "decision_p99_ms": round(other.decision_p99_ms, 4),
        "decision_cpu_p99_ms": round(other.decision_cpu_p99_ms, 4),
        "ev_travel_time_s": {v: t1[v] for v in common},
        "ev_travel_time_none_s": {v: t0[v] for v in common},
        "violations": len(other.violations),
    }


def _alone(sc):
    """The same emergency trips on an empty network, with our preemption: the most any signal strategy
    could give (what is left is driving, turning and the vehicle's own speed)."""
    import dataclasses

    return dataclasses.replace(sc, trips=[t for t in sc.trips if t.emergency])


def captured(base: simulation.RunResult, other: simulation.RunResult, ceiling: dict) -> float | None:
    """Share of the available saving (none − empty-network time) that ``other`` realised."""
    t0, t1 = base.ev_travel_times(), other.ev_travel_times()
    common = [v for v in t0 if v in t1 and v in ceiling]
    available = sum(t0[v] - ceiling[v] for v in common)
    if available <= 0:
        return None
    return round(sum(t0[v] - t1[v] for v in common) / available, 4)


def measure(net: Path, *, levels, seeds, smoke: bool, yielding: bool = True) -> dict:
    runs = []
    for level in levels:
        for seed in seeds:
            sc = twin_scenario.build(net, level=level, seed=seed, ev_count=1 if smoke else 3)
            sc.yielding = yielding
            if smoke:
                sc.end = 600
                sc.trips = [t for t in sc.trips if t.depart < 600]
            results = {s: simulation.run(sc, s, monitor=smoke) for s in STRATEGIES}
            ceiling = simulation.run(_alone(sc), "predictive").ev_travel_times()
            row = {"level": level, "seed": seed}
            for s in ("naive", "predictive"):
                row[s] = compare(results["none"], results[s])
                row[s]["saving_captured"] = captured(results["none"], results[s], ceiling)
            row["none"] = {
                "ev_stops": round(statistics.fmean(e.stops for e in results["none"].evs.values()), 2),
                "others_mean_time_loss_s": round(results["none"].others_mean_time_loss, 2),
                "vehicles": results["none"].others_arrived,
            }
            row["realtime_factor"] = round(results["none"].realtime_factor, 1)
            log(
                f"{level} seed {seed}: naive {row['naive']['ev_travel_time_change']}, "
                f"ours {row['predictive']['ev_travel_time_change']}, "
                f"others ours {row['predictive']['others_delay_change']}"
            )
            runs.append(row)
    summary = {}
    for level in levels:
        rows = [r for r in runs if r["level"] == level]
        summary[level] = {
            s: {
                key: interval([r[s][key] for r in rows if r[s].get(key) is not None])
                for key in (
                    "ev_travel_time_change",
                    "others_delay_change",
                    "ev_stops",
                    "decision_p99_ms",
                    "decision_cpu_p99_ms",
                    "saving_captured",
                )
            }
            for s in ("naive", "predictive")
        }
    return {"runs": runs, "summary": summary}


def twin_speed(net: Path, *, seconds: int, vds: bool = False) -> dict:
    """A peak hour (or ``seconds``) without preemption: simulated seconds per wall-clock second;
    ``vds``: with the detector loops on every approach lane read every 30 s."""
    sc = twin_scenario.build(net, level="peak", seed=101, ev_count=1)
    from cityhall.traffic.twin.demand import background_trips

    info = twin_network.read_network(net)
    sc.trips = background_trips(info, vehicles_per_hour=LEVELS["peak"], begin=0, end=seconds, seed=101)
    sc.ev_routes = {}
    sc.end = seconds
    sc.detectors = vds
    started = time.perf_counter()
    result = simulation.run(sc, "none")
    wall = time.perf_counter() - started
    return {
        "simulated_s": result.steps,
        "vehicles": result.others_arrived,
        "wall_s": round(wall, 2),
        "loop_wall_s": round(result.wall_s, 2),
        "realtime_factor": round(result.steps / wall, 1),
        "vds_loops": len({r.detector for r in result.vds}),
        "vds_readings": len(result.vds),
    }


def table(result: dict) -> str:
    lines = [
        "level     strategy    ev_travel_time_change [95%]      others_delay_change [95%]     stops  p99 ms"
        " (cpu)  captured",
    ]
    for level, data in result["summary"].items():
        for s, d in data.items():
            ev, ot = d["ev_travel_time_change"], d["others_delay_change"]
            lines.append(
                f"{level:9} {s:11} {ev['median']:+.3f} [{ev['low']:+.3f}, {ev['high']:+.3f}]   "
                f"{ot['median']:+.4f} [{ot['low']:+.4f}, {ot['high']:+.4f}]   "
                f"{d['ev_stops']['median']:5.2f}  {d['decision_p99_ms']['median']:.3f}"
                f" ({d['decision_cpu_p99_ms']['median']:.3f})"
                f"  {d['saving_captured']['median'] if d['saving_captured']['median'] is not None else '-'}"
            )
    for key in ("twin_speed", "twin_speed_vds"):
        speed = result.get(key)
        if speed:
            lines.append(
                f"{key}: {speed['simulated_s']} s simulated with {speed['vehicles']} vehicles"
                f" ({speed['vds_loops']} VDS loops) in {speed['wall_s']} s wall"
                f" = {speed['realtime_factor']}x real time"
            )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cityhall bench evp")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="one seed, 10 minutes, safety checked")
    parser.add_argument("--save", action="store_true", help="store the result for the report page")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument(
        "--no-yield", action="store_true", help="drivers ignore the siren (the model before yielding)"
    )
    args = parser.parse_args(argv)
    seeds = [1] if args.smoke else list(range(1, args.seeds + 1))
    levels = ["off_peak"] if args.smoke else list(LEVELS)
    with tempfile.TemporaryDirectory() as tmp:
        net = twin_network.build_grid(Path(tmp))
        started = time.perf_counter()
        result = measure(net, levels=levels, seeds=seeds, smoke=args.smoke, yielding=not args.no_yield)
        result.update(
            {
                "sumo": version(),
                "seeds": seeds,
                "levels": {k: LEVELS[k] for k in levels},
                "network": "synthetic 6x6 grid, 36 signals, 400 m, 2 lanes (모의)",
                "drivers_yield": not args.no_yield,
                "machine": f"{platform.machine()} {platform.python_version()}",
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "wall_s": round(time.perf_counter() - started, 1),
            }
        )
        if not args.no_speed:
            result["twin_speed"] = twin_speed(net, seconds=300 if args.smoke else 3600)
            result["twin_speed_vds"] = twin_speed(net, seconds=300 if args.smoke else 3600, vds=True)
    if args.smoke:
        bad = [r for r in result["runs"] if r["predictive"]["violations"] or r["naive"]["violations"]]
        if bad:
            log(f"safety violations in {len(bad)} runs")
            return 1
    if args.save:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from cityhall.traffic.services import benchmark_save

        benchmark_save(result=result, smoke=args.smoke)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(table(result))
    return 0
