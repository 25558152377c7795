"""The MQTT ingester against a real Mosquitto and a real PostgreSQL (ADR 0007).

Each test starts a private Mosquitto on a free loopback port (never the system broker on 1883) with
persistence in a temporary directory, and runs the ingester as a subprocess (``cityhall manage
telemetry_ingest``) against a throwaway PostgreSQL database that holds nothing but the migrations.
Every message is published with QoS 1 and must end up stored exactly once, through an ingester
crash, a broker restart and malformed messages. Skipped with the reason when Mosquitto or PostgreSQL
is missing (a failure under CITYHALL_REQUIRE_SERVICES=1, as in CI).
"""

from __future__ import annotations

import getpass
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from cityhall.core.tests.test_postgres import SERVER, _admin_connection
from cityhall.core.tests.waiting import wait_for
from cityhall.telemetry.tests.factories import payload
from cityhall.telemetry.validation import batch_topic, telemetry_topic

pytestmark = pytest.mark.postgres

MOSQUITTO = "/usr/sbin/mosquitto"
WAIT_S = 60


def _unavailable(reason: str):
    if os.environ.get("CITYHALL_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Broker:
    """A private Mosquitto on 127.0.0.1:port whose persistence survives ``restart()``."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.config = directory / "mosquitto.conf"
        # max_queued_messages 0: no cap on what waits for a disconnected persistent session (the
        # default, 1000, would drop QoS 1 messages while the ingester is down).
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {directory}/\n"
            "max_queued_messages 0\n"
            # Started as root, mosquitto would drop to the "mosquitto" user, which cannot write the
            # persistence file into our private temporary directory.
            f"user {getpass.getuser()}\n"
            f"log_dest file {directory}/mosquitto.log\n",
            encoding="utf-8",
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

        def listening() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"mosquitto exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            except OSError:
                return False
            return True

        wait_for(listening, "mosquitto to listen", timeout=15)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: mosquitto saves its persistence file
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"


@pytest.fixture
def broker(tmp_path):
    if not os.path.exists(MOSQUITTO):
        _unavailable(f"{MOSQUITTO} is not installed (apt-get install mosquitto)")
    directory = tmp_path / "mosquitto"
    directory.mkdir()
    instance = Broker(directory)
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A throwaway PostgreSQL database with the migrations applied (and nothing else loaded)."""
    connection = _admin_connection()
    name = f"cityhall_test_{uuid.uuid4().hex[:10]}"
    connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    try:
        env = _env(url, tmp_path_factory.mktemp("ingester-data"))
        migrated = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-m", "cityhall.cli", "manage", "migrate", "--verbosity", "0"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrated.returncode == 0, migrated.stderr
        yield url
    finally:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


def _env(url: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "CITYHALL_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}


def _query(url: str, sql: str, *params):
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        return connection.execute(sql, params).fetchall()


class Ingester:
    """``cityhall manage telemetry_ingest`` as a subprocess, with its output in a log file."""

    def __init__(
        self, database: str, broker: Broker, directory: Path, client_id: str, share: str | None = None
    ) -> None:
        self.database, self.broker, self.directory, self.client_id = database, broker, directory, client_id
        self.share = share
        self.process: subprocess.Popen | None = None
        self.runs = 0

    def start(self, *, any_device: bool = True) -> None:
        self.runs += 1
        self.log = self.directory / f"ingester-{self.client_id}-{self.runs}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
                [
                    sys.executable,
                    "-m",
                    "cityhall.cli",
                    "manage",
                    "telemetry_ingest",
                    "--url",
                    self.broker.url,
                    "--client-id",
                    self.client_id,
                    "--batch-size",
                    "200",
                    "--flush-ms",
                    "50",
                    *(["--any-device"] if any_device else []),
                    *(["--share", self.share] if self.share else []),
                ],
                env=_env(self.database, self.directory),
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # a crash: no flush, no acknowledgement
            self.process.wait(timeout=10)

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


class Publisher:
    """A paho client publishing telemetry at QoS 1 and waiting for each PUBACK."""

    def __init__(self, broker: Broker) -> None:
        import paho.mqtt.client as mqtt

        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}")
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()

    def publish(self, topic: str, body: bytes) -> None:
        info = self.client.publish(topic, body, qos=1)
        info.wait_for_publish(timeout=30)
        assert info.is_published(), f"no PUBACK for {topic}"

    def publish_many(self, messages: list[tuple[str, bytes]]) -> None:
        infos = [self.client.publish(topic, body, qos=1) for topic, body in messages]
        for info in infos:
            info.wait_for_publish(timeout=30)
            assert info.is_published(), "no PUBACK"

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _readings(prefix: str, n: int, start: int = 0) -> list[tuple[str, bytes]]:
    """``n`` valid readings spread over 20 devices ``{prefix}-d00``…, message IDs ``start``…"""
    out = []
    for number in range(start, start + n):
        device = f"{prefix}-d{number % 20:02d}"
        out.append((telemetry_topic(device), json.dumps(payload(device, f"m{number}")).encode()))
    return out


@pytest.fixture
def setup(database, broker, tmp_path):
    """(database, broker, ingester, publisher, prefix), cleaned up whatever happens."""
    prefix = f"T{uuid.uuid4().hex[:8]}"
    ingester = Ingester(database, broker, tmp_path, client_id=f"ingest-{prefix}")
    publisher = None
    try:
        ingester.start()
        publisher = Publisher(broker)
        _wait_subscribed(database, publisher, prefix)
        yield database, broker, ingester, publisher, prefix
    finally:
        ingester.kill()
        if publisher:
            publisher.close()


def _wait_subscribed(database: str, publisher: Publisher, prefix: str) -> None:
    """Until the ingester's subscription exists, a message is dropped: probe until one is stored."""
    device = f"{prefix}-probe"
    probes = iter(range(10**6))

    def stored() -> bool:
        publisher.publish(telemetry_topic(device), json.dumps(payload(device, f"p{next(probes)}")).encode())
        time.sleep(0.2)
        return (
            _query(database, "SELECT count(*) FROM telemetry_reading WHERE device_id = %s", device)[0][0] > 0
        )

    wait_for(stored, "the ingester to subscribe", interval=0.3)


def _count(database: str, prefix: str) -> int:
    return _query(database, "SELECT count(*) FROM telemetry_reading WHERE device_id LIKE %s", f"{prefix}-d%")[
        0
    ][0]


def _assert_all_once(database: str, prefix: str, n: int) -> None:
    wait_for(lambda: _count(database, prefix) >= n, f"{n} readings of {prefix}")
    time.sleep(0.5)  # nothing more may trickle in
    rows = _query(
        database,
        "SELECT message_id, count(*) FROM telemetry_reading WHERE device_id LIKE %s GROUP BY message_id",
        f"{prefix}-d%",
    )
    assert sorted(rows) == sorted((f"m{i}", 1) for i in range(n))
    dead = _query(database, "SELECT count(*) FROM telemetry_deadletter WHERE device_id LIKE %s", f"{prefix}%")
    assert dead == [(0,)]


def test_2000_messages_stored_once_and_sigterm_stops_cleanly(setup):
    database, broker, ingester, publisher, prefix = setup
    publisher.publish_many(_readings(prefix, 2000))
    _assert_all_once(database, prefix, 2000)
    assert ingester.terminate() == 0, ingester.output()
    assert "수집 종료" in ingester.output()


def test_ingester_killed_mid_stream_loses_and_duplicates_nothing(setup):
    database, broker, ingester, publisher, prefix = setup
    messages = _readings(prefix, 2000)
    errors: list[BaseException] = []

    def publish_all() -> None:
        try:
            for start in range(0, len(messages), 50):
                publisher.publish_many(messages[start : start + 50])
                time.sleep(0.01)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    thread = threading.Thread(target=publish_all, daemon=True)
    thread.start()
    try:
        wait_for(lambda: _count(database, prefix) >= 300, "the first readings")
        ingester.kill()
        killed_at = _count(database, prefix)
    finally:
        thread.join(timeout=WAIT_S)
    assert not thread.is_alive() and not errors, errors
    assert killed_at < 2000, "the ingester was not killed mid-stream"
    ingester.start()  # same client ID: the session kept what arrived meanwhile
    _assert_all_once(database, prefix, 2000)


def test_broker_restarted_mid_stream_loses_and_duplicates_nothing(setup):
    database, broker, ingester, publisher, prefix = setup
    publisher.publish_many(_readings(prefix, 1500))
    publisher.close()
    broker.restart()  # while the ingester is still working through the 1,500
    publisher = Publisher(broker)
    try:
        publisher.publish_many(_readings(prefix, 500, start=1500))
        _assert_all_once(database, prefix, 2000)
    finally:
        publisher.close()
    assert ingester.process.poll() is None, ingester.output()
    assert "세션이 없습니다" not in ingester.output()  # the session survived the restart


def test_malformed_messages_go_to_dead_letters_and_ingestion_goes_on(setup):
    database, broker, ingester, publisher, prefix = setup
    device = f"{prefix}-d00"
    topic = telemetry_topic(device)
    bad = [
        (topic, b"{not json"),
        (topic, b"[1, 2]"),
        (topic, json.dumps(payload(device, "bad-type", dim="seventy")).encode()),
        (topic, json.dumps(payload(device, "bad-range", dim=101)).encode()),
        (topic, json.dumps(payload(f"{prefix}-other", "bad-device")).encode()),
        (topic, json.dumps({"device_id": device}).encode()),
    ]
    good = _readings(prefix, 200)
    publisher.publish_many(good[:100] + bad + good[100:])
    wait_for(
        lambda: (
            _query(
                database, "SELECT count(*) FROM telemetry_deadletter WHERE device_id LIKE %s", f"{prefix}%"
            )[0][0]
            >= len(bad)
        ),
        "the dead letters",
    )
    reasons = _query(
        database,
        "SELECT reason FROM telemetry_deadletter WHERE device_id LIKE %s ORDER BY reason",
        f"{prefix}%",
    )
    assert [r for (r,) in reasons] == sorted(
        [
            "malformed_json",
            "not_an_object",
            "wrong_type",
            "out_of_range",
            "topic_device_mismatch",
            "missing_field",
        ]
    )
    rows = _query(database, "SELECT count(*) FROM telemetry_reading WHERE device_id LIKE %s", f"{prefix}-d%")
    wait_for(lambda: _count(database, prefix) >= 200, "the valid readings")
    assert _count(database, prefix) == 200, rows
    assert ingester.process.poll() is None, ingester.output()


def test_registry_mode_rejects_unknown_devices(database, broker, tmp_path):
    """Without --any-device only the registry's devices are accepted (this database has none)."""
    prefix = f"T{uuid.uuid4().hex[:8]}"
    ingester = Ingester(database, broker, tmp_path, client_id=f"ingest-{prefix}")
    publisher = None
    try:
        ingester.start(any_device=False)
        publisher = Publisher(broker)
        device = f"{prefix}-d00"

        def rejected() -> list:
            publisher.publish(telemetry_topic(device), json.dumps(payload(device, "m0")).encode())
            time.sleep(0.2)
            return _query(database, "SELECT reason FROM telemetry_deadletter WHERE device_id = %s", device)

        reasons = wait_for(rejected, "the unknown device's dead letter", interval=0.3)
        assert set(reasons) == {("unknown_device",)}
        assert _count(database, prefix) == 0
    finally:
        ingester.kill()
        if publisher:
            publisher.close()


def _batches(prefix: str, n: int, per_message: int, start: int = 0) -> list[tuple[str, bytes]]:
    """The readings of ``_readings`` as gateway batch messages of ``per_message`` readings each."""
    elements = [payload(f"{prefix}-d{number % 20:02d}", f"m{number}") for number in range(start, start + n)]
    topic = batch_topic(f"{prefix}-gw")
    return [(topic, json.dumps(elements[i : i + per_message]).encode()) for i in range(0, n, per_message)]


def test_batch_messages_are_stored_once_and_a_bad_element_alone_is_dead_lettered(setup):
    database, broker, ingester, publisher, prefix = setup
    messages = _batches(prefix, 2000, 50)
    bad = payload(f"{prefix}-d00", "bad", dim=101)
    topic, first = messages[0]
    with_bad = json.dumps([*json.loads(first), bad]).encode()
    # The first batch with a bad element, then the same batch again (a gateway's resend), then the
    # rest, and a few of its readings again as single messages.
    publisher.publish_many([(topic, with_bad), messages[0], *messages[1:], *_readings(prefix, 30)])
    publisher.publish(topic, b'{"not": "an array"}')
    wait_for(
        lambda: (
            _query(database, "SELECT count(*) FROM telemetry_deadletter WHERE topic = %s", topic)[0][0] >= 2
        ),
        "the dead letters",
    )
    wait_for(lambda: _count(database, prefix) >= 2000, "2000 readings")
    time.sleep(0.5)  # nothing more may trickle in
    rows = _query(
        database,
        "SELECT message_id, count(*) FROM telemetry_reading WHERE device_id LIKE %s GROUP BY message_id",
        f"{prefix}-d%",
    )
    assert sorted(rows) == sorted((f"m{i}", 1) for i in range(2000))
    dead = _query(
        database, "SELECT reason, field, device_id, payload FROM telemetry_deadletter WHERE topic = %s", topic
    )
    assert sorted(dead) == [
        ("not_an_array", "", f"{prefix}-gw", '{"not": "an array"}'),
        ("out_of_range", "dim", f"{prefix}-d00", json.dumps(bad)),
    ]
    assert ingester.process.poll() is None, ingester.output()


def _received(output: str) -> int:
    """Readings received, from the ingester's closing line ("수집 종료: 수신 1,234건, …")."""
    line = next(line for line in output.splitlines() if "수집 종료" in line)
    return int(line.split("수신 ", 1)[1].split("건", 1)[0].replace(",", ""))


def test_two_ingesters_on_a_shared_subscription_store_everything_once(database, broker, tmp_path):
    prefix = f"T{uuid.uuid4().hex[:8]}"
    group = f"g{prefix}"
    ingesters = [
        Ingester(database, broker, tmp_path, client_id=f"ingest-{prefix}-{i}", share=group) for i in (1, 2)
    ]
    publisher = None
    try:
        for ingester in ingesters:
            ingester.start()
        log = broker.directory / "mosquitto.log"
        for ingester in ingesters:
            # Each subscribes as soon as it is connected; the probe below waits for a subscription.
            wait_for(
                lambda ingester=ingester: f"as {ingester.client_id} " in log.read_text(errors="replace"),
                "the ingester to connect",
            )
        publisher = Publisher(broker)
        _wait_subscribed(database, publisher, prefix)
        messages = _readings(prefix, 1000) + _batches(prefix, 1000, 20, start=1000)
        publisher.publish_many(messages)
        _assert_all_once(database, prefix, 2000)
        for ingester in ingesters:
            assert ingester.terminate() == 0, ingester.output()
        # Both took part: the group split the stream between them.
        shares = [_received(ingester.output()) for ingester in ingesters]
        assert all(share > 0 for share in shares), shares
        assert sum(shares) >= 2000
    finally:
        for ingester in ingesters:
            ingester.kill()
        if publisher:
            publisher.close()
