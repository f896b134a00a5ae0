"""OGC API – Features: landing page, collections, items and queryables documents, their parameters, CQL2
filtering and coordinate reference systems.

May import ``geo.data`` and ``geo.corridors``; never ``geo.map``, ``geo.publish`` or ``geo.derive``.
"""
