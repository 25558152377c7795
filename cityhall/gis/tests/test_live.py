"""Live overlays (cityhall.gis.live): the feed every live map reads, and the map tag that names it."""

import math

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from cityhall.gis.live import LivePoint, LiveState, live_feed, live_response, spread

STATES = [LiveState("on", "점등", "ok"), LiveState("fault", "고장", "bad")]


def metres(a, b):
    dy = (a["lat"] - b["lat"]) * 110_540.0
    dx = (a["lon"] - b["lon"]) * 111_320.0 * math.cos(math.radians(a["lat"]))
    return math.hypot(dx, dy)


def test_feed_counts_points_by_state_in_legend_order():
    points = [
        LivePoint("A", 37.6, 126.6, "on", href="/x/A/"),
        LivePoint("B", 37.7, 126.7, "fault"),
        LivePoint("C", 37.8, 126.8, "on"),
    ]
    feed = live_feed(STATES, points)
    assert [(s["key"], s["label"], s["tone"], s["count"]) for s in feed["states"]] == [
        ("on", "점등", "ok", 2),
        ("fault", "고장", "bad", 1),
    ]
    assert [p["id"] for p in feed["points"]] == ["A", "B", "C"]
    assert feed["points"][0]["href"] == "/x/A/" and feed["points"][0]["spread"] is False
    assert feed["points"][1]["title"] == "B"  # the id when no title is given


def test_points_sharing_a_position_are_fanned_out_evenly():
    points = [LivePoint(f"L{i}", 37.61, 126.62, "on") for i in range(200)]
    out = spread(points)
    assert all(p["spread"] for p in out)
    centre = {"lat": 37.61, "lon": 126.62}
    distances = [metres(p, centre) for p in out]
    # the n-th at 9 m × √(n+1): the first 9 m out (the centre stays free), the 200th about 127 m
    assert distances[0] == pytest.approx(9.0, abs=0.05)
    assert distances[-1] == pytest.approx(9.0 * math.sqrt(200), abs=0.1)
    nearest = min(metres(a, b) for i, a in enumerate(out) for b in out[i + 1 :])
    assert nearest > 5  # no two markers on top of each other
    # a lone point stays where it is
    alone = spread([LivePoint("X", 37.5, 126.5, "on"), *points[:2]])
    assert (alone[0]["lat"], alone[0]["lon"], alone[0]["spread"]) == (37.5, 126.5, False)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="undeclared"):
        live_feed(STATES, [LivePoint("A", 37.6, 126.6, "smoke")])
    with pytest.raises(ValueError, match="tone"):
        LiveState("on", "점등", "green")
    with pytest.raises(ValueError, match="ASCII"):
        LiveState("on off", "점등", "ok")
    # only paths on this site become links
    out = spread([LivePoint("A", 37.6, 126.6, "on", href="https://elsewhere.example/")])
    assert out[0]["href"] == ""
    assert spread([LivePoint("A", 37.6, 126.6, "on", href="//elsewhere.example/")])[0]["href"] == ""


def test_response_is_json_and_never_cached():
    response = live_response(STATES, [LivePoint("A", 37.6, 126.6, "on", properties={"지역": "학운"})])
    assert response["Content-Type"] == "application/json" and response["Cache-Control"] == "no-store"
    assert "학운".encode() in response.content  # UTF-8, not \\u escapes


@pytest.mark.django_db
def test_the_map_tag_names_the_feed(roles):
    request = RequestFactory().get("/")
    request.user = roles["viewer"]
    html = Template(
        '{% load gis_map %}{% gis_map "" base=False live="/feed.json" live_label="차량" refresh=5 %}'
    ).render(Context({"request": request}))
    assert 'data-live-url="/feed.json" data-live-refresh="5"' in html
    assert 'data-layer="__live__"' in html and "차량" in html
    assert 'class="gis-live-legend"' in html and "5초마다" in html
    plain = Template('{% load gis_map %}{% gis_map "" base=False %}').render(Context({"request": request}))
    assert "data-live-url" not in plain and "gis-live-legend" not in plain
