"""A plain static server that answers byte ranges itself (Debian's nginx), serving a folder as an object store or
CDN would: what the release and the static site are tested on."""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli_helpers import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The content types a static host needs for the release and the site (README, "Serving many readers").
NGINX_CONF = """
daemon off;
user {user};
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    log_format ranges '$status $request_uri "$http_range" $body_bytes_sent';
    access_log {work}/access.log ranges;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    types {{
        application/vnd.apache.parquet parquet; application/vnd.flatgeobuf fgb; application/vnd.pmtiles pmtiles;
        application/geo+json geojson; application/geopackage+sqlite3 gpkg; text/csv csv; application/json json;
        text/html html; text/plain cff; text/javascript js; text/css css; font/woff2 woff2; image/svg+xml svg;
        image/png png;
    }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        add_header Access-Control-Allow-Origin *;
        add_header Access-Control-Expose-Headers "Content-Range, Accept-Ranges, Content-Length, ETag";
    }}
}}
"""

needs_nginx = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is installed by `make test` (Debian)")


@contextmanager
def nginx_serving(root: Path, work: Path) -> Iterator[str]:
    """nginx serving ``root`` on a free loopback port, its access log (status, path, Range header, bytes sent) in
    ``work/access.log``; yields the server's address."""
    port = free_port()
    conf = work / "nginx.conf"
    # Workers as the test's own user: pytest's folders are private, and nginx started by root would read as nobody.
    conf.write_text(NGINX_CONF.format(work=work, port=port, root=root, user=getpass.getuser()))
    proc = subprocess.Popen([NGINX, "-p", str(work), "-c", str(conf), "-e", str(work / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError((work / "error.log").read_text(errors="replace"))
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
