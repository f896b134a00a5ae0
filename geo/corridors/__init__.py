"""The corridor network built from the corridor layers, routes between places and their comparison (km, days,
CO₂ from the cited transport factors, documented traffic) and the text that describes them.

May import ``geo.data`` only.
"""
