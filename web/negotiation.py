"""Which encoding a client's Accept header prefers, HTML or JSON (RFC 9110, 12.5.1): browsers, which list
text/html first, get pages; clients that send none, ``*/*`` or a JSON type get JSON."""

from __future__ import annotations

JSON_TYPES = ("application/json", "application/geo+json", "application/schema+json")
MAX_ACCEPT = 2000  # a longer header is read this far


def _quality(accept: str, wanted: str) -> float:
    """The q-value the header gives ``wanted`` by its most specific matching range (exact, type/*, */*)."""
    best: tuple[int, float] = (-1, 0.0)
    for part in accept[:MAX_ACCEPT].split(","):
        media_range, *parameters = [piece.strip() for piece in part.split(";")]
        media_range = media_range.lower()
        kind, _, _ = wanted.partition("/")
        specificity = 2 if media_range == wanted else 1 if media_range == f"{kind}/*" else 0 if media_range == "*/*" else -1
        if specificity < 0:
            continue
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def prefers_html(accept: str | None) -> bool:
    """HTML only where the header ranks text/html above every JSON type; ties and no header go to JSON."""
    if not accept:
        return False
    html = _quality(accept, "text/html")
    return html > 0 and html > max(_quality(accept, media_type) for media_type in JSON_TYPES)
