"""Security headers on every response (pure ASGI: no per-request overhead beyond adding headers)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BASE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]


# What CORSMiddleware sends for a simple cross-origin GET; used where a response bypasses it.
CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Content-Disposition"),
]

DEFAULT_POLICY = b"default-src 'none'; frame-ancestors 'none'"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, html_policy: Callable[[str], str | None]):
        """``html_policy(path)``: the Content-Security-Policy for an HTML path; None gets a strict default."""
        self.app = app
        self.html_policy = html_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += BASE_HEADERS
                content_type = next((v for k, v in headers if k == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    policy = self.html_policy(scope["path"])
                    headers += [(b"content-security-policy", policy.encode() if policy else DEFAULT_POLICY),
                                (b"x-frame-options", b"SAMEORIGIN")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
