"""Chongqing Trade Atlas: the layers read, checked and published, one subpackage per concern.

Data flows one way (the contracts in ``pyproject.toml`` ``[tool.importlinter]`` are checked by ``make test``):

- ``geo.data``: the dataset (layer registry, schema, figures, validation, the loaded atlas); imports nothing else here.
- ``geo.corridors``: the corridor network, routes and their comparison; imports ``geo.data``.
- ``geo.map``: the map page; ``geo.ogc``: the OGC API documents; both import ``geo.corridors`` and ``geo.data``,
  never each other.
- ``geo.publish``: downloads, prepared responses and the static build; may import all of the above.
- ``geo.derive``: traces geometry from the reference datasets and writes ``layers/``; no other part imports it.
- ``geo.cli``: the command line, which ties them together.

Nothing in ``geo`` knows a web framework or imports ``web``.
"""
