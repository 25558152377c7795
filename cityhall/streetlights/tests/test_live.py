"""The live runtime (ADR 0009): broker, ingester, dispatcher, jobs and simulator start and stop as
threads of one process, and a command goes pending → sent → acked through them.

The runtime's threads have database connections of their own, so these tests use transactional
database access; the session's preloaded dataset is reloaded after the module (as the browser tests
do). Everything waits by polling with a deadline, never by a fixed sleep.
"""

from __future__ import annotations

import json
import queue
import socket
import sys
import threading
import types

import pytest
from django.core.management import CommandError, call_command

from cityhall.core.audit import Actor
from cityhall.core.tests.waiting import wait_for
from cityhall.streetlights.choices import CommandStatus
from cityhall.streetlights.models import Command, Streetlight
from cityhall.streetlights.operations.commands import command_ack_topic, command_issue, command_topic
from cityhall.streetlights.operations.runtime import LiveRuntime
from cityhall.streetlights.registry.services import registry_build_from_seed
from cityhall.telemetry.models import DeviceState
from cityhall.telemetry.mqtt import broker_from_url, new_client
from cityhall.telemetry.tests.factories import payload
from cityhall.telemetry.validation import telemetry_topic

WAIT_S = 30
JOB_CALLS: list[str] = []


def job_ok(*, now=None) -> None:
    JOB_CALLS.append("ok")


def job_fails(*, now=None) -> None:
    JOB_CALLS.append("fails")
    raise RuntimeError("this job always fails")


@pytest.fixture
def live_db(transactional_db):
    """Real threads need committed rows (cityhall/conftest.py loads the dataset again after the flush)."""


def _port_closed(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_starts_runs_jobs_and_stops_cleanly(live_db):
    JOB_CALLS.clear()
    module = __name__
    runtime = LiveRuntime(
        embedded_port=0,
        jobs_interval_s=0.05,
        dispatch_interval_s=0.05,
        jobs=[(module, "job_fails"), ("cityhall.streetlights.no_such_module", "run"), (module, "job_ok")],
    )
    runtime.start()
    try:
        assert runtime.running == ["dispatcher", "ingester", "jobs"]
        port = runtime.embedded.port
        assert runtime.url.endswith(f"@127.0.0.1:{port}?protocol=3.1.1")
        line = runtime.describe()
        assert line.startswith(f"실시간 운영: 내장 MQTT 브로커 127.0.0.1:{port}")
        assert runtime.embedded.password not in line
        # A failing job, and one whose module is missing, do not stop the job after them.
        wait_for(lambda: JOB_CALLS.count("ok") >= 2, "the good job to run twice")
    finally:
        runtime.stop()
    assert runtime.running == []
    assert runtime.stats.job_errors[f"{module}.job_fails"] >= 2
    assert runtime.stats.job_errors["cityhall.streetlights.no_such_module.run"] >= 2
    assert runtime.stats.job_runs[f"{module}.job_ok"] >= 2
    assert runtime.stats.thread_errors == []
    assert wait_for(lambda: _port_closed(port), "the broker port to close")
    runtime.stop()  # idempotent
    with pytest.raises(RuntimeError, match="starts once"):
        runtime.start()


def test_simulator_runs_in_a_thread_and_stops_first(live_db, monkeypatch):
    calls = []

    def run_simulator(url=None, *, stop_event=None, interval_s=10.0, seed=None):
        calls.append((url, interval_s, seed))
        stop_event.wait()
        calls.append("stopped")

    fake = types.ModuleType("cityhall.streetlights.simulator")
    fake.run_simulator = run_simulator
    monkeypatch.setitem(sys.modules, "cityhall.streetlights.simulator", fake)
    runtime = LiveRuntime(embedded_port=0, simulate=True, simulator_options={"interval_s": 0.5, "seed": 7})
    runtime.start()
    try:
        wait_for(lambda: calls, "the simulator to start")
        assert runtime.running == ["dispatcher", "ingester", "jobs", "simulator"]
        assert "모의 가로등" in runtime.describe()
    finally:
        runtime.stop()
    assert calls == [(runtime.url, 0.5, 7), "stopped"]
    assert runtime.stats.thread_errors == []


def test_command_is_sent_acknowledged_and_telemetry_stored(live_db):
    """A fake device on the embedded broker: it answers commands and reports; all through the runtime."""
    registry_build_from_seed(actor=Actor.system("test:live"))
    light = Streetlight.objects.order_by("code").first()
    runtime = LiveRuntime(embedded_port=0, dispatch_interval_s=0.05, jobs=[])
    runtime.start()
    subscribed: queue.SimpleQueue = queue.SimpleQueue()
    device, connect = new_client(broker_from_url(runtime.url), f"device-{light.code}")

    def on_command(client, userdata, message):
        body = json.loads(message.payload)
        answer = {"cmd_id": body["cmd_id"], "device_id": light.code, "result": "ok", "ts": body["ts"]}
        client.publish(command_ack_topic(light.code), json.dumps(answer), qos=1)

    device.on_message = on_command
    device.on_connect = lambda c, u, f, rc, p: c.subscribe(command_topic(light.code), qos=1)
    device.on_subscribe = lambda c, u, mid, rcs, p: subscribed.put(True)
    device.connect(**connect)
    device.loop_start()
    try:
        subscribed.get(timeout=WAIT_S)
        [command] = command_issue(lights=[light], action="dim", level=30, actor=Actor.system("test:live"))

        def closed():
            row = Command.objects.get(pk=command.pk)
            return row if row.status not in (CommandStatus.PENDING, CommandStatus.SENT) else None

        row = wait_for(closed, "the command to be acknowledged")
        assert (row.status, row.result) == (CommandStatus.ACKED, "ok")
        assert row.sent_at is not None and row.acked_at >= row.sent_at

        # Telemetry from a registered device is stored through the same ingester (MQTT 3.1.1).
        info = device.publish(telemetry_topic(light.code), json.dumps(payload(light.code, "m1")), qos=1)
        info.wait_for_publish(timeout=WAIT_S)
        state = wait_for(lambda: DeviceState.objects.filter(device_id=light.code).first(), "the device state")
        assert state.last_message_id == "m1"
    finally:
        device.disconnect()
        device.loop_stop()
        runtime.stop()
    assert runtime.stats.dispatched == 1
    assert (runtime.stats.acks.acked, runtime.stats.acks.rejected) == (1, {})
    assert runtime.stats.thread_errors == []


def test_a_configured_broker_is_used_as_it_is(live_db):
    from cityhall.telemetry.broker import EmbeddedBroker

    with EmbeddedBroker(0) as broker:
        runtime = LiveRuntime(url=broker.url, jobs=[])
        runtime.start()
        try:
            assert runtime.embedded is None and runtime.url == broker.url
            assert runtime.describe().startswith(f"실시간 운영: MQTT 브로커 127.0.0.1:{broker.port}")
        finally:
            runtime.stop()
        assert runtime.running == []


def test_bad_broker_url_fails_before_anything_starts():
    with pytest.raises(ValueError, match="지원하지 않는 MQTT 주소"):
        LiveRuntime(url="http://example.invalid")
    assert threading.active_count() >= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "http://x"], "지원하지 않는 MQTT 주소"),
        (["--url", "mqtt://127.0.0.1:1883", "--embedded"], "함께 쓸 수 없습니다"),
        (["--jobs-interval", "0"], "0보다 커야"),
    ],
)
def test_management_command_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("streetlights_live", *args)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_shows_the_lights_live_and_stops_on_sigterm(tmp_path):
    """``cityhall demo`` on an empty data directory: set-up, web, embedded broker, simulator; the
    whole fleet's state is in the (SQLite) database within a minute; SIGTERM stops it all cleanly."""
    import os
    import signal
    import sqlite3
    import subprocess

    data = tmp_path / "data"
    log = tmp_path / "demo.log"
    env = {**os.environ, "CITYHALL_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-m", "cityhall.cli", "demo", "--port", str(_free_port())],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def states() -> int:
        assert process.poll() is None, log.read_text(encoding="utf-8")
        try:
            with sqlite3.connect(f"file:{data / 'cityhall.sqlite3'}?mode=ro", uri=True, timeout=5) as db:
                return db.execute("SELECT count(*) FROM telemetry_devicestate").fetchone()[0] >= 638
        except sqlite3.OperationalError:  # not created or not migrated yet
            return False

    try:
        # The set-up loads the whole plan first (70 s alone on two cores): a wide bound, not a timing.
        wait_for(states, "all 638 lights in the device state", timeout=300)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    output = log.read_text(encoding="utf-8")
    assert "실시간 운영: 내장 MQTT 브로커 127.0.0.1:" in output and "모의 가로등" in output
    assert "실시간 운영을 멈추는 중입니다" in output
    assert "locked" not in output and "Traceback" not in output, output


DISPATCHER_SCRIPT = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from cityhall.streetlights.operations.commands import commands_dispatch

out = open(sys.argv[1], "a", encoding="utf-8")
ready = sys.argv[2]
open(os.path.join(ready, str(os.getpid())), "w").close()
while len(os.listdir(ready)) < 2:  # start together
    time.sleep(0.01)

def publish(messages):
    time.sleep(0.05)  # a broker round trip: the rows stay locked meanwhile
    for topic, payload in messages:
        out.write(json.loads(payload)["cmd_id"] + "\\n")
    out.flush()
    return [True] * len(messages)

sent = idle = 0
while idle < 3:  # small rounds with pauses between them, so that the two interleave
    n = commands_dispatch(publish, limit=40).sent
    sent, idle = sent + n, (idle + 1 if n == 0 else 0)
    time.sleep(0.02)
print(sent)
"""

ISSUE_SCRIPT = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from cityhall.core.audit import Actor
from cityhall.streetlights.operations.commands import command_issue
from cityhall.streetlights.models import Streetlight

print(len(command_issue(lights=Streetlight.objects.all(), action="off", actor=Actor.system("test"))))
"""


def test_two_dispatcher_processes_send_each_command_once(tmp_path):
    """Two processes dispatching the same 638 pending commands at once (SQLite file, as in the demo):
    every command is published exactly once and ends ``sent``."""
    import os
    import sqlite3
    import subprocess

    env = {**os.environ, "CITYHALL_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)

    def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, *args], env=env, capture_output=True, text=True, timeout=240, **kwargs
        )

    prepared = run("-m", "cityhall.cli", "demo", "--no-serve")
    assert prepared.returncode == 0, prepared.stderr
    issued = run("-c", ISSUE_SCRIPT)
    assert issued.stdout.split() == ["638"], issued.stderr
    published = tmp_path / "published.txt"
    ready = tmp_path / "ready"
    ready.mkdir()
    dispatchers = [
        subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-c", DISPATCHER_SCRIPT, str(published), str(ready)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [process.communicate(timeout=240) for process in dispatchers]
    assert [p.returncode for p in dispatchers] == [0, 0], [err for _, err in results]
    sent = [int(out.split()[-1]) for out, _ in results]
    cmd_ids = published.read_text(encoding="utf-8").split()
    print("dispatched per process:", sent)
    assert sum(sent) == 638 and len(cmd_ids) == 638 and len(set(cmd_ids)) == 638, sent
    with sqlite3.connect(tmp_path / "data" / "cityhall.sqlite3") as db:
        rows = db.execute("SELECT status, count(*), count(sent_at) FROM streetlights_command GROUP BY status")
        assert rows.fetchall() == [("sent", 638, 638)]


@pytest.mark.parametrize("no_live", [False, True])
def test_demo_starts_the_runtime_unless_no_live(db, monkeypatch, no_live):
    from cityhall import cli

    events = []

    class FakeRuntime:
        url = "mqtt://127.0.0.1:1884"

        def stop(self):
            events.append("stop")

    class FakeJobs:
        def stop(self):
            pass

    monkeypatch.setattr(cli, "_migrate", lambda verbosity=0: None)
    monkeypatch.setattr(cli, "_start_live", lambda: events.append("live") or FakeRuntime())
    monkeypatch.setattr(cli, "_start_bus_live", lambda url: None)  # the buses and the task queue: not here
    monkeypatch.setattr(cli, "_start_jobs", FakeJobs)
    monkeypatch.setattr(
        cli, "_web_server", lambda host, port: events.append(f"bind {host}:{port}") or "server"
    )
    monkeypatch.setattr(cli, "_run", lambda server, host, port: events.append(f"serve {server}") or 0)
    args = cli.build_parser().parse_args(["demo", "--port", "8123", *(["--no-live"] if no_live else [])])
    assert cli.cmd_demo(args) == 0
    bind = "bind 127.0.0.1:8123"  # the web port first: a taken port ends the demo before anything starts
    expected = [bind, "serve server"] if no_live else [bind, "live", "serve server", "stop"]
    assert events == expected


def test_demo_with_a_taken_port_says_so_and_starts_nothing(db, monkeypatch, capsys):
    from cityhall import cli

    monkeypatch.setattr(cli, "_migrate", lambda verbosity=0: None)
    monkeypatch.setattr(cli, "_start_live", lambda: pytest.fail("the runtime must not start"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = cli.build_parser().parse_args(["demo", "--port", str(port)])
        assert cli.cmd_demo(args) == 1
    assert f"웹 서버를 127.0.0.1:{port}에서 시작하지 못했습니다" in capsys.readouterr().err


def test_the_real_simulator_answers_commands_through_the_runtime(live_db):
    """The runtime with the simulator (a few lights): an "on" (``dim`` null) and a "dim" command are
    acknowledged by the simulated device, and its reports are stored."""
    registry_build_from_seed(actor=Actor.system("test:live"))
    lights = list(Streetlight.objects.filter(site__code="PUNGMU").order_by("code")[:3])
    runtime = LiveRuntime(
        embedded_port=0,
        simulate=True,
        simulator_options={
            "lights": [light.code for light in lights],
            "interval_s": 1.0,
            "initial_faults": 0,
        },
        dispatch_interval_s=0.1,
        jobs=[],
    )
    runtime.start()
    try:
        codes = [light.code for light in lights]
        wait_for(
            lambda: DeviceState.objects.filter(device_id__in=codes).count() == 3, "the simulated reports"
        )
        issued = command_issue(lights=lights[:1], action="on", actor=Actor.system("test:live"))
        issued += command_issue(lights=lights[1:2], action="dim", level=20, actor=Actor.system("test:live"))

        def all_closed():
            rows = list(Command.objects.filter(pk__in=[c.pk for c in issued]).order_by("pk"))
            return (
                rows
                if all(r.status not in (CommandStatus.PENDING, CommandStatus.SENT) for r in rows)
                else None
            )

        rows = wait_for(all_closed, "the simulator's acks")

        def lamp(code: str):
            state = DeviceState.objects.get(device_id=code)
            return (state.lamp_on, state.dim)

        # The lamps report what they were told (day or night: a command overrides the schedule).
        wait_for(lambda: lamp(codes[0]) == (True, 100), "the 'on' lamp to report 100 %")
        wait_for(lambda: lamp(codes[1]) == (True, 20), "the dimmed lamp to report 20 %")
    finally:
        runtime.stop()
    assert [(r.status, r.result) for r in rows] == [(CommandStatus.ACKED, "ok")] * 2
    assert runtime.stats.thread_errors == []
