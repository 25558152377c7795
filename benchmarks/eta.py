"""``cityhall bench eta``: bus arrival predictions against the historical average, on simulated days.

    cityhall bench eta [--smoke] [--json] [--train-days N] [--test-days M] [--seed S] [--seeds K]

For each seed (S, S+1, … K seeds): the simulator (cityhall/bus/eta/simulator.py, 모의) builds the
seed's network, ``--train-days`` days to learn from and ``--test-days`` held-out days (their own seeds,
with congestion and incidents). The predictors are fitted on the training days and asked, every two
minutes for every bus on the road, when it reaches each of its next stops up to 20 minutes ahead on
the held-out days. Per horizon bucket (0–5, 5–10, 10–20 min): the share within ±1 and ±2 minutes and
the mean absolute error, for the Kalman model (given the network's signal timing plans), the baseline,
and the Kalman model without the plans (what they add). With several seeds the figures are the
medians over the seeds.

Keys of ``--json``: ``within_2min_le10`` (share within ±2 min at horizons ≤ 10 min), ``mae_s`` and
``baseline_mae_s`` (horizons ≤ 10 min), ``without_plans_mae_s`` (the model without the signal plans),
``mae_reduction`` (1 − mae_s / baseline_mae_s, the median of the seeds'), ``without_plans_reduction``
(the same without the plans), ``goal_met``
(≥ 0.95 and ≥ 0.30), ``buckets`` and ``seeds`` (per seed). ``--smoke``: one seed, 2 + 1 days, two
routes (run by .ci/run; figures not read).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from cityhall.bus.eta.evaluation import BUCKETS, Errors, evaluate_day, summary
from cityhall.bus.eta.predictors import HistoricalAverage, KalmanPredictor
from cityhall.bus.eta.simulator import SimulationParameters, build_network, signal_timings, split_days

LE10 = ("0-5", "5-10")
WHO = ("model", "baseline", "model_without_plans")
GOAL_WITHIN = 0.95
GOAL_REDUCTION = 0.30


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_seed(seed: int, train_days: int, test_days: int, params: SimulationParameters) -> dict:
    started = time.perf_counter()
    train, test = split_days(seed, train_days, test_days, params)
    history = [t for day in train for t in day.travels]
    result: dict = {"seed": seed, "train_segments": len(history)}
    signals = signal_timings(build_network(seed, params))  # the plans the city's signal system runs
    predictors = (
        ("model", KalmanPredictor(signals=signals)),
        ("baseline", HistoricalAverage()),
        ("model_without_plans", KalmanPredictor()),  # what the signal plans add
    )
    for key, predictor in predictors:
        predictor.fit(history)
        errors = Errors()
        for day in test:
            for name, values in evaluate_day(predictor, day).by_bucket.items():
                errors.by_bucket[name].extend(values)
        result[key] = {name: summary(values) for name, values in errors.by_bucket.items()}
        result[key]["le10"] = summary(errors.merged(LE10))
        if key == "model":
            result["kalman"] = {
                "tau_s": predictor.tau_s,
                "segment_var": round(predictor.state_var, 5),
                "route_var": round(predictor.route_var, 5),
                "measurement_var": round(predictor.measurement_var, 5),
                "spread": predictor.spread,
            }
    result["incidents"] = sum(len(day.incidents) for day in test)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def _median(runs: list[dict], path: tuple[str, ...]) -> float:
    values = []
    for run in runs:
        v = run
        for p in path:
            v = v[p]
        values.append(v)
    return statistics.median(values)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cityhall bench eta", description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-days", type=int, default=10, help="simulated days to learn from (10)")
    parser.add_argument("--test-days", type=int, default=3, help="held-out simulated days (3)")
    parser.add_argument("--seed", type=int, default=1, help="first seed (1)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds, medians over them (3)")
    parser.add_argument("--smoke", action="store_true", help="one seed, 2 + 1 days, two routes")
    parser.add_argument("--json", action="store_true", help="machine-readable results on stdout")
    args = parser.parse_args(argv)
    params = SimulationParameters()
    train_days, test_days, seeds = args.train_days, args.test_days, args.seeds
    if args.smoke:
        params = SimulationParameters(routes=2)
        train_days, test_days, seeds = 2, 1, 1
    if train_days < 1 or test_days < 1 or seeds < 1:
        parser.error("--train-days, --test-days and --seeds must be at least 1")
    runs = []
    for seed in range(args.seed, args.seed + seeds):
        log(f"seed {seed}: {train_days} training days, {test_days} held-out days…")
        runs.append(run_seed(seed, train_days, test_days, params))
    buckets = {}
    for *_, name in (*BUCKETS, (0, 0, "le10")):
        buckets[name] = {
            who: {k: _median(runs, (who, name, k)) for k in ("n", "within_1min", "within_2min", "mae_s")}
            for who in WHO
        }
    mae = _median(runs, ("model", "le10", "mae_s"))
    baseline = _median(runs, ("baseline", "le10", "mae_s"))

    def reductions(who: str) -> list[float]:
        return [1 - r[who]["le10"]["mae_s"] / r["baseline"]["le10"]["mae_s"] for r in runs]

    report = {
        "within_2min_le10": _median(runs, ("model", "le10", "within_2min")),
        "mae_s": mae,
        "baseline_mae_s": baseline,
        "baseline_within_2min_le10": _median(runs, ("baseline", "le10", "within_2min")),
        "without_plans_mae_s": _median(runs, ("model_without_plans", "le10", "mae_s")),
        "mae_reduction": statistics.median(reductions("model")),
        "without_plans_reduction": statistics.median(reductions("model_without_plans")),
        "train_days": train_days,
        "test_days": test_days,
        "buckets": buckets,
        "seeds": runs,
    }
    report["goal_met"] = (
        report["within_2min_le10"] >= GOAL_WITHIN and report["mae_reduction"] >= GOAL_REDUCTION
    )
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(
        f"bus ETA, held-out simulated days (모의): {len(runs)} seed(s), "
        f"{train_days} + {test_days} days, medians"
    )
    print(
        f"{'horizon':>8} {'model ±1':>9} {'±2':>7} {'MAE s':>7} | {'baseline ±1':>11} {'±2':>7} {'MAE s':>7}"
    )
    for name, row in buckets.items():
        m, b = row["model"], row["baseline"]
        label = "≤10" if name == "le10" else name
        print(
            f"{label:>8} {m['within_1min']:>9.3f} {m['within_2min']:>7.3f} {m['mae_s']:>7.1f} | "
            f"{b['within_1min']:>11.3f} {b['within_2min']:>7.3f} {b['mae_s']:>7.1f}"
        )
    print(
        f"≤10 min without the signal plans: MAE {report['without_plans_mae_s']:.1f} s, "
        f"{report['without_plans_reduction']:.1%} lower than the baseline"
    )
    print(
        f"≤10 min: within ±2 min {report['within_2min_le10']:.3f} (goal ≥ {GOAL_WITHIN}), "
        f"MAE {mae:.1f} s vs baseline {baseline:.1f} s, {report['mae_reduction']:.1%} lower "
        f"(goal ≥ {GOAL_REDUCTION:.0%}): {'met' if report['goal_met'] else 'NOT met'}"
    )
    return 0
