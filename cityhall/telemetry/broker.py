"""The embedded MQTT broker: amqtt in a thread of our own process, for the demo (ADR 0009).

A real installation uses Mosquitto (``CITYHALL_MQTT_URL``); the demo must run with nothing but the
Python packages, so it starts amqtt on 127.0.0.1 in its own thread and asyncio loop. Facts about
amqtt 0.12.1 this module depends on:

- it speaks MQTT 3.1.1 only, so ``url`` carries ``?protocol=3.1.1``;
- it keeps QoS 1 messages for a disconnected persistent session (clean_session=False) **only when
  the client is not anonymous**, so every client must log in: ``CityhallAuthPlugin`` accepts one
  username and a random per-run password (compared in constant time) and anonymous access is off;
- it waits 5 s for a client's PUBACK and then drops the message (no redelivery on that
  connection), which is why the ingester must keep its batches short (ADR 0009).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import socket
import threading
from dataclasses import dataclass

from amqtt.plugins.base import BaseAuthPlugin

from .mqtt import SESSION_EXPIRY_S, Broker, broker_url

log = logging.getLogger(__name__)

DEFAULT_PORT = 1884  # not 1883: a system Mosquitto may be listening there
DEFAULT_USERNAME = "cityhall"
START_TIMEOUT_S = 15.0


class CityhallAuthPlugin(BaseAuthPlugin):
    """Accept exactly one username/password pair; refuse everything else, anonymous included."""

    @dataclass
    class Config:
        username: str = ""
        password: str = ""

    async def authenticate(self, *, session) -> bool:
        expected_user, expected_password = self.config.username, self.config.password
        if not expected_user or not expected_password or not session or not session.username:
            return False
        user_ok = hmac.compare_digest(session.username.encode(), expected_user.encode())
        password_ok = hmac.compare_digest((session.password or "").encode(), expected_password.encode())
        return user_ok and password_ok


class BrokerStartError(RuntimeError):
    """The embedded broker could not listen (port taken, or amqtt failed); the message is Korean."""


class EmbeddedBroker:
    """amqtt on ``127.0.0.1:port`` in a daemon thread with its own event loop.

    ``port=0`` picks a free port (read ``port`` after ``start()``). ``start()`` returns once the
    broker accepts connections; ``stop()`` shuts it down and joins the thread.
    """

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        *,
        host: str = "127.0.0.1",
        username: str = DEFAULT_USERNAME,
        password: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password or secrets.token_urlsafe(24)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    @property
    def broker(self) -> Broker:
        import paho.mqtt.client as mqtt

        return Broker(self.host, self.port, self.username, self.password, protocol=mqtt.MQTTv311)

    @property
    def url(self) -> str:
        """``mqtt://user:password@127.0.0.1:port?protocol=3.1.1`` (holds the password: do not print)."""
        return broker_url(self.broker)

    def _config(self) -> dict:
        return {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "session_expiry_interval": SESSION_EXPIRY_S,
            "plugins": {
                f"{__name__}.CityhallAuthPlugin": {"username": self.username, "password": self.password},
            },
        }

    def start(self, timeout: float = START_TIMEOUT_S) -> EmbeddedBroker:
        if self._thread is not None:
            raise RuntimeError("the embedded broker is already started")
        # amqtt logs every connection at INFO; the demo's console is for people.
        logging.getLogger("amqtt").setLevel(logging.WARNING)
        logging.getLogger("transitions").setLevel(logging.WARNING)
        taken = self._port_taken()
        if taken is not None:
            # Said here, in one line: amqtt would log a traceback for it before failing the same way.
            raise BrokerStartError(
                f"내장 MQTT 브로커를 {self.host}:{self.port}에서 시작하지 못했습니다: "
                f"포트를 다른 프로그램이 쓰고 있습니다 ({taken.strerror})."
            )
        self._thread = threading.Thread(target=self._run, name="mqtt-broker", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            raise BrokerStartError(f"내장 MQTT 브로커가 {timeout:.0f}초 안에 시작되지 않았습니다.")
        if self._error is not None:
            self._thread.join(timeout=5)
            self._thread = None
            raise BrokerStartError(
                f"내장 MQTT 브로커를 {self.host}:{self.port}에서 시작하지 못했습니다: {self._error}"
            ) from self._error
        log.info("내장 MQTT 브로커 시작: %s:%s", self.host, self.port)
        return self

    def _port_taken(self) -> OSError | None:
        if self.port == 0:
            return None
        with socket.socket() as probe:
            # As amqtt binds (reuse_address): a port in TIME_WAIT is free, a listening one is not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError as exc:
                return exc
        return None

    def _run(self) -> None:
        from amqtt.broker import Broker as AmqttBroker

        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)

        async def main() -> None:
            self._stopping = asyncio.Event()
            broker = AmqttBroker(self._config(), loop=loop)
            try:
                await broker.start()
            except BaseException as exc:  # noqa: BLE001 - handed to start() in the caller's thread
                self._error = exc.__cause__ or exc
                self._started.set()
                return
            # start_server has returned: the socket listens and connections are accepted from here.
            if self.port == 0:
                server = broker._servers["default"].instance
                self.port = server.sockets[0].getsockname()[1]
            self._started.set()
            await self._stopping.wait()
            try:
                await broker.shutdown()
            except Exception:
                log.exception("내장 MQTT 브로커 종료 중 오류")

        try:
            loop.run_until_complete(main())
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def stop(self, timeout: float = 15.0) -> None:
        """Shut the broker down (disconnecting its clients) and join its thread; idempotent."""
        thread, loop = self._thread, self._loop
        if thread is None:
            return
        if loop is not None and self._stopping is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._stopping.set)
            except RuntimeError:  # the loop closed meanwhile
                pass
        thread.join(timeout)
        if thread.is_alive():
            log.warning("내장 MQTT 브로커가 %.0f초 안에 멈추지 않았습니다", timeout)
        self._thread = None
        self._started.clear()
        log.info("내장 MQTT 브로커 종료")

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
