"""The CQL2 parser's time budget is its own processor time: a parser kept waiting by a busy machine for longer than
the budget still answers (a runaway parse is stopped: tests/test_fuzz.py)."""

from __future__ import annotations

import os
import signal
import threading
import time

from geo.ogc.filter_guard import PARSE_SECONDS, ParserPool

# The CQL2 standard's JSON encoding of ``length_km > 100 AND established < 2020`` (OGC 21-065, cql2-json).
EXPECTED_TREE = {"op": "and", "args": [{"op": ">", "args": [{"property": "length_km"}, 100]},
                                       {"op": "<", "args": [{"property": "established"}, 2020]}]}


def test_a_parser_kept_waiting_past_the_budget_still_answers() -> None:
    pool = ParserPool(size=1)
    assert "tree" in pool.parse("established >= 2010", "cql2-text")  # started, ready and idle
    parser = pool._idle[0]
    try:
        # The machine gives the parser no processor time for longer than the budget (as a loaded one may).
        os.kill(parser.process.pid, signal.SIGSTOP)
        resume = threading.Timer(PARSE_SECONDS + 1.5, os.kill, (parser.process.pid, signal.SIGCONT))
        resume.start()
        started = time.monotonic()
        answer = pool.parse("length_km > 100 AND established < 2020", "cql2-text")
        waited = time.monotonic() - started
        resume.join()
        assert waited > PARSE_SECONDS
        assert answer == {"tree": EXPECTED_TREE}
    finally:
        for idle in pool._idle:
            idle.stop()
