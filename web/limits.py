"""Limits per client, so that one client cannot hold the server (pure ASGI, outermost, per worker process).

The server (granian) gives each connection one of its ``--max-connections`` places from accept until the connection
closes, and keeps a connection open between requests until the header timeout. A client that opens many
connections, or asks for large downloads and never reads them, would hold every place. Here:

- a response must be read within ``response_seconds`` (the body is abandoned and the connection closed after it);
- a client (by address) may have ``per_client`` requests in progress; more are answered 429 and closed at once;
- a client holding more than ``per_client`` connections gets each further response with ``Connection: close``, so
  its extra connections are not kept open between requests.

Silent connections that never send a request are closed by the server's header timeout.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.errors import error_body


class _NotReadInTime(BaseException):
    """Raised through the app (past its catch-all, which handles Exception) when a client stops reading."""


class ClientLimits:
    def __init__(self, app: ASGIApp, per_client: int, response_seconds: float, idle_seconds: float):
        self.app = app
        self.per_client, self.response_seconds, self.idle_seconds = per_client, response_seconds, idle_seconds
        self._in_progress: defaultdict[str, int] = defaultdict(int)
        # The connections (client ports) a client used lately, with when each last carried a request.
        self._connections: defaultdict[str, dict[int, float]] = defaultdict(dict)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client") if scope["type"] == "http" else None
        if not client:
            await self.app(scope, receive, send)
            return
        address, port = client[0], client[1]
        if self._in_progress[address] >= self.per_client:
            await _refuse(scope, send, self.per_client)
            return
        now = time.monotonic()
        connections = self._connections[address]
        for stale in [known for known, used in connections.items() if now - used > self.idle_seconds]:
            del connections[stale]
        connections[port] = now
        close_after = len(connections) > self.per_client
        deadline = now + self.response_seconds

        async def bounded_send(message: Message) -> None:
            if message["type"] == "http.response.start" and close_after:
                message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
            try:
                await asyncio.wait_for(send(message), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise _NotReadInTime from None

        self._in_progress[address] += 1
        try:
            await self.app(scope, receive, bounded_send)
        except _NotReadInTime:
            pass  # the client did not read in time: returning unfinished makes the server close the connection
        finally:
            self._in_progress[address] -= 1
            if not self._in_progress[address]:
                del self._in_progress[address]
            if close_after:
                connections.pop(port, None)
            if not connections:
                self._connections.pop(address, None)


async def _refuse(scope: Scope, send: Send, per_client: int) -> None:
    body = json.dumps(error_body(scope["path"], 429, f"more than {per_client} requests at once from one client; "
                                 "retry when one has finished")).encode()
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"retry-after", b"1"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
