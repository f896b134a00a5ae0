"""The smallest ASGI app: the same gzip bytes and headers for every request, under the same server as the atlas.

It is the ceiling of any ASGI app under that server on this machine: what the server alone costs. The body is read
once from the file named by BARE_ASGI_BODY.
"""

import os
from pathlib import Path

BODY = Path(os.environ["BARE_ASGI_BODY"]).read_bytes()
HEADERS = [(b"content-type", b"application/geo+json"), (b"content-encoding", b"gzip"),
           (b"content-length", str(len(BODY)).encode()), (b"etag", b'"bare"'), (b"vary", b"Accept-Encoding")]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
