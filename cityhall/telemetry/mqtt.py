"""How every part of the pipeline connects to the broker: one URL, one way to build a paho client.

``mqtt://[user:password@]host[:port][?protocol=3.1.1]`` — the default is ``CITYHALL_MQTT_URL``, else
``mqtt://127.0.0.1:1883``. MQTT 5 unless the URL asks for 3.1.1 (the embedded broker speaks 3.1.1
only). A persistent session is ``clean_start=False`` with a session expiry on MQTT 5 and
``clean_session=False`` on 3.1.1; both keep QoS 1 messages for the client while it is away.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

DEFAULT_URL = "mqtt://127.0.0.1:1883"
SESSION_EXPIRY_S = 7 * 24 * 3600  # a week: a client down over a long weekend loses nothing
_PROTOCOLS = {"5": mqtt.MQTTv5, "3.1.1": mqtt.MQTTv311}


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    protocol: mqtt.MQTTProtocolVersion = mqtt.MQTTv5

    @property
    def v5(self) -> bool:
        return self.protocol == mqtt.MQTTv5

    def __str__(self) -> str:  # never shows the password
        return f"{self.host}:{self.port}"


def broker_from_url(url: str | None = None) -> Broker:
    """Parse a broker URL (default ``CITYHALL_MQTT_URL``); ``ValueError`` in Korean if it is bad."""
    url = url or os.environ.get("CITYHALL_MQTT_URL") or DEFAULT_URL
    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    example = "(예: mqtt://127.0.0.1:1883, mqtt://사용자:비밀번호@host:1883?protocol=3.1.1)"
    if parts.scheme not in {"mqtt", "tcp"}:
        raise ValueError(f"지원하지 않는 MQTT 주소입니다: {parts.scheme}:// {example}")
    try:
        port = parts.port or 1883
    except ValueError:
        raise ValueError(f"MQTT 주소의 포트가 올바르지 않습니다 {example}") from None
    version = parse_qs(parts.query).get("protocol", ["5"])[-1]
    if version not in _PROTOCOLS:
        raise ValueError(f"MQTT 프로토콜 {version!r}은(는) 지원하지 않습니다 (5 또는 3.1.1).")
    return Broker(
        host=parts.hostname or "127.0.0.1",
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        protocol=_PROTOCOLS[version],
    )


def broker_url(broker: Broker) -> str:
    """The URL of ``broker`` (with its credentials: pass it to child processes, do not print it)."""
    auth = f"{broker.username}:{broker.password}@" if broker.username else ""
    query = "" if broker.v5 else "?protocol=3.1.1"
    return f"mqtt://{auth}{broker.host}:{broker.port}{query}"


def new_client(
    broker: Broker,
    client_id: str = "",
    *,
    persistent: bool = False,
    manual_ack: bool = False,
    receive_maximum: int | None = None,
) -> tuple[mqtt.Client, dict]:
    """A paho client for ``broker`` and the keyword arguments for its ``connect``/``connect_async``.

    ``persistent``: keep the session (and the QoS 1 messages queued for it) across disconnects;
    needs a fixed ``client_id``.
    """
    if persistent and not client_id:
        raise ValueError("a persistent session needs a fixed client_id")
    kwargs: dict = {}
    if not broker.v5:
        kwargs["clean_session"] = not persistent
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=broker.protocol,
        manual_ack=manual_ack,
        **kwargs,
    )
    client.enable_logger(logging.getLogger("paho.mqtt"))
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    connect: dict = {"host": broker.host, "port": broker.port, "keepalive": 30}
    if broker.v5:
        properties = Properties(PacketTypes.CONNECT)
        if persistent:
            properties.SessionExpiryInterval = SESSION_EXPIRY_S
        if receive_maximum:
            properties.ReceiveMaximum = min(65535, receive_maximum)
        connect.update(clean_start=not persistent, properties=properties)
    return client, connect
