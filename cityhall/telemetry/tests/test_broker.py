"""The embedded amqtt broker (ADR 0009): it starts, refuses wrong and anonymous logins, carries QoS 1
and keeps messages for a persistent session that is away. No database, no fixed sleeps."""

from __future__ import annotations

import queue
import socket
import time
import uuid

import paho.mqtt.client as mqtt
import pytest

from cityhall.telemetry.broker import BrokerStartError, EmbeddedBroker
from cityhall.telemetry.mqtt import Broker, broker_from_url, new_client

WAIT_S = 15


@pytest.fixture
def embedded():
    broker = EmbeddedBroker(0).start()
    try:
        yield broker
    finally:
        broker.stop()


class Client:
    """A paho client through ``new_client``; ``connected`` tells the CONNACK's reason code."""

    def __init__(self, broker: Broker, client_id: str = "", *, persistent: bool = False) -> None:
        self.client, self.connect_kwargs = new_client(broker, client_id, persistent=persistent)
        self.connack: queue.SimpleQueue = queue.SimpleQueue()
        self.subacks: queue.SimpleQueue = queue.SimpleQueue()
        self.messages: queue.SimpleQueue = queue.SimpleQueue()
        self.client.on_connect = lambda c, u, flags, rc, p: self.connack.put((rc, flags.session_present))
        self.client.on_subscribe = lambda c, u, mid, rcs, p: self.subacks.put(rcs)
        self.client.on_message = lambda c, u, m: self.messages.put((m.topic, m.payload, m.qos))
        self.client.connect_async(**self.connect_kwargs)
        self.client.loop_start()

    def wait_connack(self):
        return self.connack.get(timeout=WAIT_S)

    def subscribe(self, topic: str) -> None:
        self.client.subscribe(topic, qos=1)
        assert not any(rc.is_failure for rc in self.subacks.get(timeout=WAIT_S))

    def publish(self, topic: str, body: bytes) -> None:
        info = self.client.publish(topic, body, qos=1)
        info.wait_for_publish(timeout=WAIT_S)
        assert info.is_published()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_url_is_mqtt_311_with_credentials(embedded):
    broker = broker_from_url(embedded.url)
    assert (broker.host, broker.port) == ("127.0.0.1", embedded.port)
    assert embedded.port != 0
    assert broker.protocol == mqtt.MQTTv311
    assert broker.username == "cityhall" and broker.password == embedded.password
    assert embedded.url.endswith("?protocol=3.1.1")
    assert len(embedded.password) >= 24
    assert EmbeddedBroker(0).password != embedded.password  # random per run


def test_right_password_connects_wrong_and_anonymous_are_refused(embedded):
    good = broker_from_url(embedded.url)
    wrong = Broker(good.host, good.port, good.username, good.password + "x", good.protocol)
    other_user = Broker(good.host, good.port, "someone", good.password, good.protocol)
    anonymous = Broker(good.host, good.port, protocol=good.protocol)
    clients = [Client(b) for b in (good, wrong, other_user, anonymous)]
    try:
        results = [client.wait_connack()[0] for client in clients]
    finally:
        for client in clients:
            client.close()
    assert not results[0].is_failure
    for refused in results[1:]:
        assert refused.is_failure
        assert refused.getName() == "Not authorized"


def test_qos1_round_trip(embedded):
    broker = broker_from_url(embedded.url)
    subscriber, publisher = Client(broker, "sub"), Client(broker, "pub")
    try:
        assert not subscriber.wait_connack()[0].is_failure
        assert not publisher.wait_connack()[0].is_failure
        subscriber.subscribe("cityhall/v1/streetlights/+/cmd")
        publisher.publish("cityhall/v1/streetlights/SL-1/cmd", b'{"n": 1}')
        assert subscriber.messages.get(timeout=WAIT_S) == (
            "cityhall/v1/streetlights/SL-1/cmd",
            b'{"n": 1}',
            1,
        )
    finally:
        subscriber.close()
        publisher.close()


def test_persistent_session_gets_what_was_published_while_away(embedded):
    broker = broker_from_url(embedded.url)
    client_id = f"away-{uuid.uuid4().hex[:6]}"
    first = Client(broker, client_id, persistent=True)
    rc, session_present = first.wait_connack()
    assert not rc.is_failure and not session_present
    first.subscribe("t/#")
    first.close()
    publisher = Client(broker, "pub")
    try:
        publisher.wait_connack()
        for n in range(5):
            publisher.publish("t/x", f"{n}".encode())
    finally:
        publisher.close()
    again = Client(broker, client_id, persistent=True)
    try:
        rc, session_present = again.wait_connack()
        assert not rc.is_failure and session_present
        got = [again.messages.get(timeout=WAIT_S) for _ in range(5)]
    finally:
        again.close()
    assert got == [("t/x", f"{n}".encode(), 1) for n in range(5)]


def test_stop_closes_the_port_and_a_taken_port_fails_in_korean():
    broker = EmbeddedBroker(0).start()
    port = broker.port
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    broker.stop()
    broker.stop()  # idempotent
    deadline = time.monotonic() + WAIT_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            break
        assert time.monotonic() < deadline, "the port still accepts connections after stop()"
        time.sleep(0.05)

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(BrokerStartError, match="시작하지 못했습니다: 포트를 다른 프로그램이 쓰고"):
            EmbeddedBroker(taken.getsockname()[1]).start()
