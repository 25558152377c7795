"""The event path on the real NATS JetStream (127.0.0.1:4222): events published with Nats-Msg-Id reach
the database through the durable consumer; a re-sent event is dropped by the server's duplicate window;
a worker that stops without acking leaves its messages to the next one, and the database key absorbs
those it had stored. Skipped when NATS is unreachable; a failure under CITYHALL_REQUIRE_SERVICES=1."""

import asyncio
import os
import secrets
import socket
from datetime import UTC, datetime, timedelta

import pytest

from cityhall.cctv import services, stream, triage
from cityhall.cctv.models import Event

URL = "nats://127.0.0.1:4222"
pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 4222), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def nats_stream():
    if not _reachable():
        if os.environ.get("CITYHALL_REQUIRE_SERVICES") == "1":
            pytest.fail("NATS (127.0.0.1:4222) is required (CITYHALL_REQUIRE_SERVICES=1) but unreachable")
        pytest.skip("NATS with JetStream is not running on 127.0.0.1:4222")
    name = f"CCTV_TEST_{secrets.token_hex(4).upper()}"
    subject = f"cctv.test.{name.lower()}"
    yield name, subject

    async def drop():
        import nats

        nc = await nats.connect(URL)
        try:
            await nc.jetstream().delete_stream(name)
        finally:
            await nc.close()

    asyncio.run(drop())


def _items(n, prefix="e", camera="CAM-A"):
    moment = (datetime.now(UTC) - timedelta(seconds=2)).isoformat()
    return [
        (
            f"{prefix}{i}",
            camera,
            triage.encoder.encode(
                {
                    "id": f"{prefix}{i}",
                    "camera": camera,
                    "type": "intrusion",
                    "confidence": 0.9,
                    "time": moment,
                }
            ),
        )
        for i in range(n)
    ]


def test_publish_consume_dedupe_and_replay(small_registry, nats_stream):
    name, subject = nats_stream

    async def scenario():
        import nats

        nc = await nats.connect(URL)
        js = nc.jetstream()
        await stream.ensure_stream(js, stream=name, subject=subject)
        stored_new = await stream.publish_many(js, _items(20), subject=subject)
        resent = await stream.publish_many(js, _items(5), subject=subject)  # same ids: the server drops them
        # A worker that stores ten and stops without acking (a crash after commit, before the acks):
        got, ten = [], asyncio.Event()

        async def receive(msg):
            got.append(msg)
            if len(got) >= 10:
                ten.set()

        durable = stream.durable_name(0)
        config = (await js.consumer_info(name, durable)).config
        await js.subscribe_bind(name, config, consumer=durable, cb=receive, manual_ack=True)
        await asyncio.wait_for(ten.wait(), timeout=5)
        await asyncio.to_thread(
            services.events_triage,
            [services.Incoming(m.data, stream.received_at(m)) for m in got[:10]],
            context=services.TriageContext(),
        )
        await nc.close()
        return stored_new, resent

    async def next_worker():
        # The next worker gets everything not acked, the ones pushed to the first again after the ack wait.
        return await stream.consume(
            URL,
            stream.triage_handler(services.TriageContext()),
            stream=name,
            subject=subject,
            idle_exit_s=stream.ACK_WAIT_S + 3,
        )

    stored_new, resent = asyncio.run(scenario())
    first = Event.objects.count()
    stats = asyncio.run(next_worker())
    assert (stored_new, resent, first) == (20, 0, 10)
    assert Event.objects.count() == 20
    # What the first one got pushed (ten or more) comes again; the database key absorbs the ten it stored.
    assert stats.redelivered >= 10 and stats.duplicates == 10 and stats.stored == 10


def test_webhook_publisher_keeps_one_connection(nats_stream):
    name, subject = nats_stream
    publisher = stream.Publisher(URL, stream=name, subject=subject)
    assert publisher.publish(_items(3)) == 3
    first = publisher._nc
    assert publisher.publish(_items(3)) == 0  # the same ids again: the server's duplicate window
    assert publisher.publish(_items(2, prefix="f")) == 2
    assert publisher._nc is first and not first.is_closed


def test_partition_of_is_a_stable_hash_of_the_camera():
    # zlib.crc32(b"CAM-A") = 2741690278, of b"CAM-B" = 979602972: the same in every process.
    assert [stream.partition_of("CAM-A", n) for n in (1, 2, 3)] == [0, 0, 1]
    assert [stream.partition_of("CAM-B", n) for n in (1, 2, 3)] == [0, 0, 0]
    assert (stream.partition_subject("cctv.events", 2), stream.durable_name(2)) == (
        "cctv.events.2",
        "triage-2",
    )


def test_each_partition_worker_receives_only_its_cameras(small_registry, nats_stream):
    # Three partitions: CAM-A's events go to partition 1 and CAM-B's to 0; partition 2 gets none.
    name, subject = nats_stream

    async def publish():
        import nats

        nc = await nats.connect(URL)
        try:
            js = nc.jetstream()
            await stream.ensure_stream(js, stream=name, subject=subject, count=3)
            items = _items(4, prefix="pa", camera="CAM-A") + _items(3, prefix="pb", camera="CAM-B")
            return await stream.publish_many(js, items, subject=subject, count=3)
        finally:
            await nc.close()

    def worker(partition):
        handler = stream.triage_handler(services.TriageContext(exclusive=True))
        return asyncio.run(
            stream.consume(
                URL, handler, stream=name, subject=subject, partition=partition, count=3, idle_exit_s=1.0
            )
        )

    assert asyncio.run(publish()) == 7
    received = {p: worker(p).received for p in (2, 1, 0)}
    assert received == {0: 3, 1: 4, 2: 0}
    cameras = dict(Event.objects.values_list("code", "camera__code"))
    assert sorted(cameras) == ["pa0", "pa1", "pa2", "pa3", "pb0", "pb1", "pb2"]
    assert {cameras[c] for c in cameras if c.startswith("pa")} == {"CAM-A"}


def test_worker_refuses_a_partition_beyond_the_setting(settings):
    from django.core.management import CommandError, call_command

    settings.CITYHALL_CCTV_PARTITIONS = 2
    with pytest.raises(CommandError, match="--partition"):
        call_command("cctv_worker", url=URL, partition=2)


def test_webhook_publishes_each_event_to_its_cameras_partition(
    small_registry, nats_stream, make_user, settings
):
    # The webhook with a broker: 202, nothing stored in the request; each event on its camera's
    # partition, where that partition's worker stores it.
    import json

    from django.test import Client

    from cityhall.organisation.models import Role

    name, subject = nats_stream
    settings.CITYHALL_NATS_URL = URL
    settings.CITYHALL_CCTV_PARTITIONS = 3
    publisher = stream.Publisher(URL, stream=name, subject=subject, count=3)
    stream._publishers[URL] = publisher  # this test's stream instead of CCTV_EVENTS
    client = Client()
    client.force_login(make_user("sc-editor", Role.EDITOR, "smart-city"))
    moment = (datetime.now(UTC) - timedelta(seconds=2)).isoformat()
    body = [
        {"id": f"wh-{camera}-{i}", "camera": camera, "type": "fight", "confidence": 0.8, "time": moment}
        for camera in ("CAM-A", "CAM-B")
        for i in range(2)
    ]
    try:
        answer = client.post("/api/v1/cctv/events", data=json.dumps(body), content_type="application/json")
    finally:
        del stream._publishers[URL]
        asyncio.run_coroutine_threadsafe(publisher._reset(), publisher._loop).result(timeout=5)
    assert answer.status_code == 202, answer.content
    assert answer.json()["accepted"] == 4 and Event.objects.count() == 0

    def worker(partition):
        handler = stream.triage_handler(services.TriageContext(exclusive=True))
        run = stream.consume(
            URL, handler, stream=name, subject=subject, partition=partition, count=3, idle_exit_s=1.0
        )
        return asyncio.run(run)

    assert worker(1).stored == 2  # CAM-A's
    assert sorted(Event.objects.values_list("code", flat=True)) == ["wh-CAM-A-0", "wh-CAM-A-1"]
    assert worker(0).stored == 2  # CAM-B's
    assert Event.objects.count() == 4
