"""The dataset: layer registry, feature schema, figure model and registry, strict JSON reading, validation and
placement checks, provenance, the year rule, message catalogs, feature selection and the loaded atlas.

The base of the package: imports nothing else from ``geo``.
"""
