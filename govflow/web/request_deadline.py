"""uvicorn's HTTP/1.1 protocol with a deadline for receiving each request, and the Config that uses it.

uvicorn closes a keep-alive connection that stays idle after an answer (`timeout_keep_alive`), but
has no limit on how long a client may take to send a request (uvicorn issue #157): a connection that
sends nothing, half a request line, or one byte every few seconds (each byte restarts the keep-alive
timer) is held open for ever, and enough of them starve every other subscriber. Here a client has
`timeout_request` seconds to send a whole request — from when it connects, or from the first byte
of its next request on a kept-alive connection — or the connection is closed. The deadline stops
as soon as the request is in, so a slow answer is never cut short.

    DeadlineConfig(app, timeout_request=10, **uvicorn_config)   what `govflow.web.serve` runs
    uvicorn … --http govflow.web.request_deadline:RequestDeadlineProtocol   the same from uvicorn's
                                                          command line (with the default deadline)
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("uvicorn.error")  # where uvicorn reports the connections it drops

DEFAULT_TIMEOUT_REQUEST = 10.0  # seconds: a calendar program sends its few hundred bytes at once
# The client's side of h11's state machine once a whole request has arrived (or never will).
_REQUEST_IN = frozenset({h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR, h11.MIGHT_SWITCH_PROTOCOL, h11.SWITCHED_PROTOCOL})


class RequestDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request is not complete within the deadline."""

    def __init__(self, config: uvicorn.Config, server_state: Any, app_state: dict[str, Any], _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.timeout_request = float(getattr(config, "timeout_request", DEFAULT_TIMEOUT_REQUEST))
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_deadline()  # a new connection owes a request at once

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow_request()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow_request()  # a pipelined request may already be half in

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def _follow_request(self) -> None:
        if self.transport.is_closing() or self.conn.their_state in _REQUEST_IN:
            self._stop_deadline()
        elif self.conn.their_state is h11.SEND_BODY or self.conn.trailing_data[0]:
            self._start_deadline()  # part of a request is in: the rest is owed by the deadline
        # Otherwise the connection waits, idle, for a next request: timeout_keep_alive's business.

    def _start_deadline(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.timeout_request, self._deadline_passed)

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _deadline_passed(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        who = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        log.warning("%s sent no complete request within %g s: connection closed", who, self.timeout_request)
        self.transport.close()


class DeadlineConfig(uvicorn.Config):
    """uvicorn's Config serving HTTP/1.1 with `RequestDeadlineProtocol` (and no WebSockets: the app
    has none). `timeout_request`: the seconds a client has to send a whole request."""

    def __init__(self, app: Any, *, timeout_request: float = DEFAULT_TIMEOUT_REQUEST, **kwargs: Any) -> None:
        super().__init__(app, http=RequestDeadlineProtocol, ws="none", **kwargs)
        self.timeout_request = timeout_request
