"""What a CQL2 filter must pass before and while it is parsed.

cql2's parser is native code that fails badly on some small inputs: a few thousand unary minus signs overflow its
stack (the process dies), 150 ``NOT`` in a row or 400 chained additions allocate gigabytes, a chain of 50 takes a
second. So a filter is first bounded by its structure (tokens, runs of prefix operators, arithmetic, nesting of
parentheses or JSON), and then parsed in a child process with a memory limit and a time budget: if it crashes or
runs away there, only that child is lost and the request gets a 400.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from geo.data.errors import BadRequest, Unavailable

MAX_FILTER_LENGTH = 20_000
MAX_FILTER_TOKENS = 2_000  # a polygon literal of a few hundred vertices fits
# cql2's text parser backtracks through every level of parentheses when a filter does not parse: time doubles about
# every one or two levels (20 levels took seconds, 5,000 open parentheses never ended). Real filters nest a few.
MAX_FILTER_NESTING = 10
MAX_JSON_NESTING = 24  # cql2-json: about two JSON levels per level of parentheses, plus a geometry's coordinates
MAX_PREFIX_RUN = 3  # NOT NOT x, - -1: more in a row is never meant
MAX_ARITHMETIC = 20  # + - * / % ^ div operators in one filter (the parser's cost grows steeply with the chain)

# The budget is the parser's own processor time, not the clock's: on a loaded machine a real filter (parsed in
# milliseconds) may wait its turn for longer than that, and must not be refused for it. The clock only bounds the
# wait for an answer at all.
PARSE_SECONDS = 2.0
PARSE_WAIT_SECONDS = 8.0
START_SECONDS = 30.0  # a parser process's start: Python and cql2 imported
PARSE_MEMORY = 256 * 1024 * 1024  # address space of the parser's process (it needs about 20 MB)
PARSERS = 2  # parser processes per server worker; more filters at once wait for one
WAIT_SECONDS = 10.0

_CHILD = Path(__file__).with_name("filter_child.py")
# CQL2 text: quoted strings ('' escapes a quote), "quoted identifiers", words, numbers, two-character comparisons,
# and any other single character.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|[A-Za-z_][\w:.]*|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+|<>|<=|>=|\S")
_SIGNS = {"+", "-"}
_NUMBER = re.compile(r"[\d.]")


_GEOMETRY_WORDS = {"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
                   "GEOMETRYCOLLECTION", "BBOX", "ENVELOPE"}


def _is_literal_sign(previous: str, text_after: str, in_geometry: bool) -> bool:
    """A sign written against a number that starts a list item (``(-1, -2)``) or a coordinate of a geometry literal
    (``POINT(-10 -20)``) belongs to the number; anywhere else it is an operator."""
    if not _NUMBER.match(text_after):
        return False
    return previous in ("(", ",") or (in_geometry and bool(_NUMBER.match(previous)))


def check_text_structure(text: str) -> None:
    """Refuse a cql2-text filter whose shape is known to make the parser run away, naming the bound it passed."""
    matches = list(_TOKEN.finditer(text))
    if len(matches) > MAX_FILTER_TOKENS:
        raise BadRequest(f"filter has more than {MAX_FILTER_TOKENS} tokens")
    tokens = [match.group() for match in matches]
    depth = deepest = run = longest_run = arithmetic = 0
    geometry_depth = 0  # the parenthesis level a geometry literal opened, 0 outside one
    for index, match in enumerate(matches):
        token, previous = tokens[index], tokens[index - 1] if index else ""
        if token == "(":
            depth += 1
            deepest = max(deepest, depth)
            if not geometry_depth and previous.upper() in _GEOMETRY_WORDS:
                geometry_depth = depth
        elif token == ")":
            if depth == geometry_depth:
                geometry_depth = 0
            depth -= 1
        after = text[match.end():match.end() + 1]
        is_operator = token in _SIGNS and not _is_literal_sign(previous, after, bool(geometry_depth))
        if is_operator or token.lower() in ("*", "/", "%", "^", "div"):
            arithmetic += 1
        run = run + 1 if is_operator or token.upper() == "NOT" else 0
        longest_run = max(longest_run, run)
    if deepest > MAX_FILTER_NESTING:
        raise BadRequest(f"filter nests parentheses more than {MAX_FILTER_NESTING} levels deep")
    if longest_run > MAX_PREFIX_RUN:
        raise BadRequest(f"filter has more than {MAX_PREFIX_RUN} operators in a row (NOT, - or +)")
    if arithmetic > MAX_ARITHMETIC:
        raise BadRequest(f"filter has more than {MAX_ARITHMETIC} arithmetic operators")


def check_json_structure(text: str) -> None:
    """Refuse cql2-json nested deeper than ``MAX_JSON_NESTING`` (counted before any JSON parser sees it)."""
    depth = deepest = 0
    # Outside strings only: a JSON string is "..." with backslash escapes.
    for outside in re.sub(r'"(?:[^"\\]|\\.)*"', '""', text):
        if outside in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif outside in "]}":
            depth -= 1
    if deepest > MAX_JSON_NESTING:
        raise BadRequest(f"filter nests JSON more than {MAX_JSON_NESTING} levels deep")


class _Parser:
    """One parser process; ``parse`` returns its answer, or None if it crashed or ran out of time (then it is gone)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-I", str(_CHILD), str(PARSE_MEMORY)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.ready = False

    def parse(self, text: str, lang: str) -> dict[str, Any] | None:
        try:
            assert self.process.stdin is not None and self.process.stdout is not None
            if not self.ready:
                # Starting takes a moment, and much longer on a loaded machine: not counted in the parse budget.
                if self._read_line(self.process.stdout.fileno(), START_SECONDS) != b"ready\n":
                    return None
                self.ready = True
            self.process.stdin.write(json.dumps({"text": text, "lang": lang}).encode() + b"\n")
            self.process.stdin.flush()
            answer = self._read_line(self.process.stdout.fileno(), PARSE_WAIT_SECONDS, cpu_seconds=PARSE_SECONDS)
            return json.loads(answer) if answer is not None else None
        except (OSError, ValueError):
            return None

    def _cpu_used(self) -> float | None:
        """Processor seconds the parser process has used (Linux's /proc); None where that cannot be read."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        except (OSError, ValueError, IndexError):
            return None

    def _read_line(self, fd: int, seconds: float, cpu_seconds: float | None = None) -> bytes | None:
        """A line from the process within ``seconds``, and within ``cpu_seconds`` of its processor time (of the
        clock's where that cannot be read)."""
        deadline = time.monotonic() + seconds
        cpu_start = self._cpu_used() if cpu_seconds is not None else None
        if cpu_seconds is not None and cpu_start is None:  # no processor time to go by: the clock's
            deadline, cpu_seconds = time.monotonic() + cpu_seconds, None
        received = b""
        while not received.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if not select.select([fd], [], [], min(remaining, 0.1))[0]:
                if cpu_seconds is not None:
                    used = self._cpu_used()
                    if used is None or used - cpu_start > cpu_seconds:
                        return None  # running away (or gone)
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return None  # the process died
            received += chunk
        return received

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


class ParserPool:
    """A few parser processes, started when first needed and replaced when one is lost."""

    def __init__(self, size: int = PARSERS):
        self._idle: list[_Parser] = []
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()

    def parse(self, text: str, lang: str) -> dict[str, Any]:
        """The parsed filter as cql2-json, or ``{"error": message}``; BadRequest when the parser was lost on it."""
        if not self._slots.acquire(timeout=WAIT_SECONDS):
            raise Unavailable("too many filters are being parsed; try again")
        try:
            with self._lock:
                parser = self._idle.pop() if self._idle else None
            parser = parser or _Parser()
            answer = parser.parse(text, lang)
            if answer is None:
                parser.stop()
                raise BadRequest(f"{lang} filter is too complex to parse (more than {PARSE_SECONDS:g} s of processing or "
                                 f"{PARSE_MEMORY // 2**20} MB)")
            with self._lock:
                self._idle.append(parser)
            return answer
        finally:
            self._slots.release()


parsers = ParserPool()
