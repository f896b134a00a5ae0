"""The CQL2 parser's own process (run by ``geo.ogc.filter_guard``, never imported): one JSON request per line on
stdin, one JSON answer per line on stdout. The parser is native code that can crash or allocate without bound on
hostile input; here a crash or a runaway ends this process under its memory limit, never the server's worker.

Request: ``{"text": ..., "lang": "cql2-text" | "cql2-json"}``. Answer: ``{"tree": <cql2-json>}`` or
``{"error": <the parser's message>}``.
"""

import json
import resource
import sys

# Nesting of the parsed tree (objects and lists): deeper trees are refused, so that reading the tree back in the
# server (cql2.parse_json, which stops at 128 levels) and evaluating it stay shallow.
MAX_TREE_DEPTH = 40


def _depth(node: object) -> int:
    deepest, level, stack = 0, 0, [(node, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, level)
            if deepest > MAX_TREE_DEPTH:
                break
            stack.extend((child, level + 1) for child in node)
    return deepest


def _parse(cql2: object, text: str, lang: str) -> dict:
    try:
        expression = cql2.parse_json(text) if lang == "cql2-json" else cql2.parse_text(text)  # type: ignore[attr-defined]
        expression.validate()
        tree = expression.to_json()
    except Exception as exc:  # noqa: BLE001 — the parser's message is the answer
        return {"error": str(exc)}
    if _depth(tree) > MAX_TREE_DEPTH:
        return {"error": f"the expression nests more than {MAX_TREE_DEPTH} levels deep"}
    return {"tree": tree}


def main() -> None:
    memory = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash here is expected, not worth a core file
    import cql2

    # Ready: the parent's time budget is for parsing, not for starting Python and importing cql2 on a busy machine.
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.write(json.dumps(_parse(cql2, request["text"], request["lang"])) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
