"""The API description as OpenAPI 3.0 (what OGC API – Features /conf/oas30 asks for).

FastAPI writes OpenAPI 3.1, whose schemas are JSON Schema 2020-12; the few constructs 3.0 spells differently are
rewritten here: ``anyOf [X, null]`` → ``nullable``, numeric ``exclusiveMinimum`` → boolean form, ``const`` →
one-value ``enum``, ``examples`` → ``example``.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from geo.publish.prepared import Published

OPENAPI_VERSION = "3.0.3"


def _schema_30(node: Any) -> Any:
    if isinstance(node, list):
        return [_schema_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _schema_30(value) for key, value in node.items()}
    for key in ("anyOf", "oneOf"):
        options = node.get(key)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [option for option in options if option != {"type": "null"}]
            del node[key]
            if len(rest) == 1 and "$ref" not in rest[0]:
                node.update(rest[0])
            elif len(rest) == 1:
                node["allOf"] = rest
            else:
                node[key] = rest
            node["nullable"] = True
    for bound, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), (int, float)) and not isinstance(node.get(bound), bool):
            node[inclusive] = node[bound]
            node[bound] = True
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if isinstance(node.get("examples"), list) and "in" not in node:
        examples = node.pop("examples")
        if examples:
            node["example"] = examples[0]
    return node


def _one_of(values: tuple[str, ...]) -> str:
    return "(?:" + "|".join(re.escape(value) for value in values) + ")"


def _state_parameters(document: dict[str, Any], served: ServedNames) -> None:
    """Say what the handlers accept where the signature cannot: the atlas download's ``layers`` is a comma list of
    the layers being served (which change on reload); a route comparison needs both ends (the handler checks them
    itself, to answer with the list of valid places). The ends are documented as the places' ids, listed with their
    names (the handler also takes a name in any case, or a unique prefix of one, which an enumeration cannot say)."""
    one_layer = _one_of(served.layer_ids)
    for parameter in document["paths"]["/api/atlas.{extension}"]["get"]["parameters"]:
        if parameter["name"] == "layers":
            parameter["schema"]["pattern"] = f"^{one_layer}(?:,{one_layer})*$"
    for parameter in document["paths"]["/api/routes"]["get"]["parameters"]:
        if parameter["name"] in ("from", "to"):
            parameter["required"] = True
            parameter["schema"].pop("nullable", None)
            parameter["schema"]["enum"] = [place_id for place_id, _ in served.places]
            parameter["description"] = "\n\n".join([
                parameter.get("description", ""),
                "Places (id: name): " + "; ".join(f"`{place_id}`: {name}" for place_id, name in served.places)])


class ServedNames(NamedTuple):
    layer_ids: tuple[str, ...]
    places: tuple[tuple[str, str], ...]  # (id, English name) of each place a route may start or end at


def openapi_30(app: FastAPI, served: ServedNames) -> dict[str, Any]:
    if app.openapi_schema is None or app.state.openapi_served != served:
        document = get_openapi(title=app.title, version=app.version, description=app.description,
                               routes=app.routes, openapi_version=OPENAPI_VERSION)
        document["components"] = _schema_30(document.get("components", {}))
        for path_item in document["paths"].values():
            for operation in path_item.values():
                for parameter in operation.get("parameters", []):
                    parameter["schema"] = _schema_30(parameter.get("schema", {}))
                for response in list(operation.get("responses", {}).values()) + [operation.get("requestBody", {})]:
                    for content in response.get("content", {}).values():
                        if "schema" in content:
                            content["schema"] = _schema_30(content["schema"])
        _state_parameters(document, served)
        app.state.openapi_served = served
        app.openapi_schema = document
    return app.openapi_schema


def served_names(published: Published) -> ServedNames:
    places = sorted((node.name_en, node.id) for node in published.routes.network.named_nodes())
    return ServedNames(tuple(layer.spec.id for layer in published.atlas.layers),
                       tuple((place_id, name) for name, place_id in places))
