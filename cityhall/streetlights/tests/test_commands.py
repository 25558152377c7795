"""Commands to lights: the outbox is published, acknowledged by the device, or expires (ADR 0009).

The service tests use a recording ``publish``; one test goes through the real embedded broker with a
fake device that answers every command (the database stays in the test's thread and transaction).
"""

from __future__ import annotations

import json
import queue
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from cityhall.core.audit import Actor
from cityhall.streetlights.choices import CommandStatus
from cityhall.streetlights.models import Command, Streetlight
from cityhall.streetlights.operations import commands
from cityhall.streetlights.operations.commands import (
    command_ack_topic,
    command_issue,
    command_topic,
    commands_acknowledge,
    commands_dispatch,
    commands_expire,
)

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
SYSTEM = Actor.system("test:commands")


@pytest.fixture
def lights(registry):
    return list(Streetlight.objects.order_by("code")[:3])


def _issue(lights, action="on", level=None) -> list[Command]:
    return command_issue(lights=lights, action=action, level=level, actor=SYSTEM)


class Recorder:
    """A ``publish`` that accepts the first ``accept`` messages (all when None) and records them;
    ``raise_after``: raise instead of refusing the rest (nothing of that call is accepted)."""

    def __init__(self, accept: int | None = None, *, raise_after: bool = False) -> None:
        self.accept, self.raise_after = accept, raise_after
        self.published: list[tuple[str, dict]] = []
        self.calls = 0

    def __call__(self, messages: list[tuple[str, bytes]]) -> list[bool]:
        self.calls += 1
        verdicts = []
        for topic, payload in messages:
            if self.accept is not None and len(self.published) >= self.accept:
                if self.raise_after:
                    raise ConnectionError("broker gone")
                verdicts.append(False)
                continue
            self.published.append((topic, json.loads(payload)))
            verdicts.append(True)
        return verdicts


def _ack(command: Command, result: str = "ok", *, device: str | None = None, **extra) -> tuple:
    device = device or command.light.code
    body = {
        "cmd_id": str(command.cmd_id),
        "device_id": device,
        "result": result,
        "ts": "2026-01-10T12:00:01Z",
    }
    body.update(extra)
    return (command_ack_topic(device), json.dumps(body).encode(), NOW + timedelta(seconds=1))


def _statuses(issued: list[Command]) -> list[str]:
    by_pk = dict(Command.objects.filter(pk__in=[c.pk for c in issued]).values_list("pk", "status"))
    return [by_pk[c.pk] for c in issued]


class TestDispatch:
    def test_publishes_each_pending_command_and_marks_it_sent(self, lights):
        issued = _issue(lights, "dim", 40)
        publish = Recorder()
        report = commands_dispatch(publish, now=NOW)
        assert report.sent == 3 and report.held == 0
        assert publish.published == [
            (
                f"cityhall/v1/streetlights/{c.light.code}/cmd",
                {"cmd_id": str(c.cmd_id), "action": "dim", "dim": 40, "ts": "2026-01-10T12:00:00Z"},
            )
            for c in issued
        ]
        rows = Command.objects.filter(pk__in=[c.pk for c in issued])
        assert {(r.status, r.sent_at) for r in rows} == {(CommandStatus.SENT, NOW)}

    def test_on_off_auto_carry_no_level(self, lights):
        for action in ("on", "off", "auto"):
            _issue(lights[:1], action)
        publish = Recorder()
        commands_dispatch(publish, now=NOW)
        assert [(body["action"], body["dim"]) for _, body in publish.published] == [
            ("on", None),
            ("off", None),
            ("auto", None),
        ]

    def test_a_second_round_sends_nothing_again(self, lights):
        _issue(lights)
        commands_dispatch(Recorder(), now=NOW)
        again = Recorder()
        assert commands_dispatch(again, now=NOW).sent == 0
        assert again.published == []

    def test_messages_the_broker_refused_stay_pending(self, lights):
        issued = _issue(lights)
        report = commands_dispatch(Recorder(accept=1), now=NOW)
        assert (report.sent, report.held) == (1, 2)
        assert _statuses(issued) == [CommandStatus.SENT, CommandStatus.PENDING, CommandStatus.PENDING]
        assert Command.objects.get(pk=issued[1].pk).sent_at is None
        # the broker is back: the rest goes out
        assert commands_dispatch(Recorder(), now=NOW).sent == 2
        assert _statuses(issued) == [CommandStatus.SENT] * 3

    def test_a_failing_publish_marks_nothing_sent(self, lights):
        issued = _issue(lights)
        report = commands_dispatch(Recorder(accept=1, raise_after=True), now=NOW)
        assert (report.sent, report.held) == (0, 3)
        assert _statuses(issued) == [CommandStatus.PENDING] * 3

    def test_a_site_wide_command_goes_out_in_chunks_of_one_transaction_each(self, registry):
        lights = list(Streetlight.objects.filter(site__code="PUNGMU"))
        issued = _issue(lights)
        publish = Recorder()
        assert commands_dispatch(publish, now=NOW, limit=50).sent == 50
        assert publish.calls == 1 and len(publish.published) == 50
        report = commands_dispatch(publish, now=NOW)
        assert report.sent == len(lights) - 50 and publish.calls == 1 + -(-(len(lights) - 50) // 100)
        assert set(_statuses(issued)) == {CommandStatus.SENT}
        # oldest first, then by id: the order they were issued in
        assert [body["cmd_id"] for _, body in publish.published] == [str(c.cmd_id) for c in issued]

    def test_an_ack_that_overtakes_the_sent_update_still_closes_the_command(self, lights):
        issued = _issue(lights[:1])

        def publish_and_answer_at_once(messages):
            commands_acknowledge([_ack(issued[0])])
            return [True] * len(messages)

        commands_dispatch(publish_and_answer_at_once, now=NOW)
        assert _statuses(issued) == [CommandStatus.ACKED]


class TestAcknowledge:
    @pytest.fixture
    def sent(self, lights):
        issued = _issue(lights)
        commands_dispatch(Recorder(), now=NOW)
        return issued

    def test_ok_and_error(self, sent):
        report = commands_acknowledge([_ack(sent[0]), _ack(sent[1], "error", reason="driver timeout")])
        assert (report.received, report.acked, report.failed, report.duplicates, report.rejected) == (
            2,
            1,
            1,
            0,
            {},
        )
        first, second = (Command.objects.get(pk=c.pk) for c in sent[:2])
        assert (first.status, first.result, first.acked_at) == (
            CommandStatus.ACKED,
            "ok",
            NOW + timedelta(seconds=1),
        )
        assert (second.status, second.result) == (CommandStatus.FAILED, "error: driver timeout")
        assert _statuses(sent)[2] == CommandStatus.SENT

    def test_a_repeated_ack_is_harmless(self, sent):
        commands_acknowledge([_ack(sent[0])])
        report = commands_acknowledge(
            [_ack(sent[0], "error", reason="late copy"), _ack(sent[1]), _ack(sent[1])]
        )
        assert (report.acked, report.failed, report.duplicates) == (1, 0, 2)
        first = Command.objects.get(pk=sent[0].pk)
        assert (first.status, first.result) == (CommandStatus.ACKED, "ok")

    def test_bad_acks_are_counted_and_change_nothing(self, sent, lights):
        command, other = sent[0], lights[1].code
        topic = command_ack_topic(command.light.code)
        good = json.loads(_ack(command)[1])
        at = NOW
        messages = [
            (topic, b"{not json", at),
            (topic, b"[1]", at),
            (topic, b'{"cmd_id": NaN}', at),
            (topic, json.dumps({**good, "cmd_id": None}).encode(), at),
            (topic, json.dumps({**good, "cmd_id": "not-a-uuid"}).encode(), at),
            (topic, json.dumps({**good, "result": 1}).encode(), at),
            (topic, json.dumps({**good, "result": "maybe"}).encode(), at),
            (topic, json.dumps({**good, "reason": ["x"]}).encode(), at),
            (topic, json.dumps({**good, "device_id": other}).encode(), at),
            (topic, b"\xff\xfe", at),
            (topic, b"{" + b" " * 5000 + b"}", at),
            ("cityhall/v1/streetlights/a/b/cmd/ack", json.dumps(good).encode(), at),
            (topic, json.dumps({**good, "cmd_id": str(uuid.uuid4())}).encode(), at),
            # a device answering a command that was sent to another light
            _ack(command, device=other),
        ]
        report = commands_acknowledge(messages)
        assert report.rejected == {
            "bad_topic": 1,
            "device_mismatch": 1,
            "malformed_json": 3,
            "missing_field": 1,
            "not_an_object": 1,
            "out_of_range": 1,
            "payload_too_large": 1,
            "topic_device_mismatch": 1,
            "unknown_command": 1,
            "wrong_type": 3,
        }
        assert report.received == len(messages) == report.rejected_total
        assert _statuses(sent) == [CommandStatus.SENT] * 3

    def test_rejection_messages_are_korean_and_say_where(self):
        rejection = commands.ack_parse(
            command_ack_topic("SL-X-001"), b'{"cmd_id": "1", "device_id": "SL-X-001"}'
        )
        assert rejection.reason == "missing_field"
        assert "SL-X-001" in rejection.message and "'result'" in rejection.message

    def test_a_late_ack_closes_an_expired_command(self, sent):
        commands_expire(now=NOW + timedelta(seconds=61))
        assert _statuses(sent) == [CommandStatus.EXPIRED] * 3
        commands_acknowledge([_ack(sent[0])])
        assert _statuses(sent)[0] == CommandStatus.ACKED


class TestExpire:
    def test_sent_commands_unanswered_for_the_timeout_expire(self, lights):
        issued = _issue(lights)
        commands_dispatch(Recorder(), now=NOW)
        commands_acknowledge([_ack(issued[0])])
        assert commands_expire(now=NOW + timedelta(seconds=60)) == 0  # not yet: strictly older
        assert commands_expire(now=NOW + timedelta(seconds=61)) == 2
        assert _statuses(issued) == [CommandStatus.ACKED, CommandStatus.EXPIRED, CommandStatus.EXPIRED]
        assert "60초" in Command.objects.get(pk=issued[1].pk).result
        assert commands_expire(now=NOW + timedelta(seconds=61)) == 0  # idempotent

    def test_the_timeout_is_a_parameter(self, lights):
        _issue(lights[:1])
        commands_dispatch(Recorder(), now=NOW)
        assert commands_expire(now=NOW + timedelta(seconds=11), timeout_s=10) == 1

    def test_commands_never_sent_are_dropped_after_the_pending_age(self, lights):
        issued = _issue(lights[:1])
        issued_at = Command.objects.get(pk=issued[0].pk).issued_at
        assert commands_expire(now=issued_at + timedelta(minutes=14)) == 0
        assert commands_expire(now=issued_at + timedelta(minutes=16)) == 1
        command = Command.objects.get(pk=issued[0].pk)
        assert (command.status, command.sent_at) == (CommandStatus.EXPIRED, None)
        assert "15분" in command.result
        assert commands_dispatch(Recorder(), now=timezone.now()).sent == 0


def test_dispatch_and_ack_through_the_embedded_broker(lights):
    """pending → published on …/cmd → a fake device answers on …/cmd/ack → acked / failed."""
    from cityhall.telemetry.broker import EmbeddedBroker
    from cityhall.telemetry.mqtt import broker_from_url, new_client

    with EmbeddedBroker(0) as embedded:
        broker = broker_from_url(embedded.url)
        acks: queue.SimpleQueue = queue.SimpleQueue()
        ready: queue.SimpleQueue = queue.SimpleQueue()

        # The device: answers "ok" to on/dim and "error" to off, on its own ack topic.
        device, connect = new_client(broker, "fake-device")

        def on_command(client, userdata, message):
            body = json.loads(message.payload)
            code = message.topic.split("/")[3]
            result = "error" if body["action"] == "off" else "ok"
            answer = {
                "cmd_id": body["cmd_id"],
                "device_id": code,
                "result": result,
                "reason": "",
                "ts": body["ts"],
            }
            client.publish(command_ack_topic(code), json.dumps(answer), qos=1)

        device.on_message = on_command
        device.on_subscribe = lambda c, u, mid, rcs, p: ready.put("device")
        device.on_connect = lambda c, u, f, rc, p: c.subscribe(command_topic("+"), qos=1)
        device.connect(**connect)
        device.loop_start()

        # The platform side: one client that collects acks, one that publishes commands.
        collector, connect = new_client(broker, "ack-collector")
        collector.on_message = lambda c, u, m: acks.put((m.topic, m.payload, timezone.now()))
        collector.on_subscribe = lambda c, u, mid, rcs, p: ready.put("collector")
        collector.on_connect = lambda c, u, f, rc, p: c.subscribe("cityhall/v1/streetlights/+/cmd/ack", qos=1)
        collector.connect(**connect)
        collector.loop_start()
        publisher, connect = new_client(broker, "dispatcher")
        publisher.connect(**connect)
        publisher.loop_start()
        try:
            assert {ready.get(timeout=15), ready.get(timeout=15)} == {"device", "collector"}

            def publish(messages):
                infos = [publisher.publish(topic, payload, qos=1) for topic, payload in messages]
                for info in infos:
                    info.wait_for_publish(timeout=15)
                return [info.is_published() for info in infos]

            on = _issue(lights[:2], "on")
            off = _issue(lights[2:], "off")
            assert commands_dispatch(publish).sent == 3
            assert _statuses(on + off) == [CommandStatus.SENT] * 3
            received = [acks.get(timeout=15) for _ in range(3)]
            report = commands_acknowledge(received)
        finally:
            for client in (device, collector, publisher):
                client.disconnect()
                client.loop_stop()
    assert (report.acked, report.failed, report.rejected) == (2, 1, {})
    assert _statuses(on + off) == [CommandStatus.ACKED, CommandStatus.ACKED, CommandStatus.FAILED]
    assert all(c.acked_at is not None for c in Command.objects.filter(pk__in=[c.pk for c in on + off]))
