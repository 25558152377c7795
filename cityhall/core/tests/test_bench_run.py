"""``cityhall bench`` options and what makes a run fail (benchmarks/run.py); the benchmarks themselves
run in .ci/run (``--smoke``)."""

import pytest

from benchmarks import run


def test_smoke_sizes_are_tiny_and_scales_are_kept():
    args = run.build_parser().parse_args(["pages", "--smoke", "--scale", "1", "2"])
    assert args.scale == [1, 2]
    assert run.sizes(args, run.PAGE_REQUESTS, 2) == run.Sizes(requests=2, warmup=1, scale=2)
    args = run.build_parser().parse_args(["api", "--requests", "40"])
    assert run.sizes(args, run.API_REQUESTS, 1) == run.Sizes(requests=40, warmup=10, scale=1)


@pytest.mark.parametrize("value", ["0", "1001", "x"])
def test_a_scale_out_of_range_is_refused(value, capsys):
    with pytest.raises(SystemExit) as exc:
        run.build_parser().parse_args(["pages", "--scale", value])
    assert exc.value.code == 2
    assert "--scale" in capsys.readouterr().err


def test_a_page_answering_other_than_200_is_a_failure():
    ok = {"status": 200, "median_ms": 1.0}
    result = {"scales": {"1": {"pages": {"/": ok, "/energy/": {"status": 500}}}, "10": {"pages": {"/": ok}}}}
    assert run.failures("pages", result) == ["pages x1: /energy/ HTTP 500"]
    assert run.failures("api", {"scales": {"1": {"endpoints": {"me": ok}}}}) == []
    assert run.failures("load", {"error": "BenchError: load run 1/1 failed"}) == [
        "BenchError: load run 1/1 failed"
    ]
