"""The map page: folium elements, templates and static scripts, the bundle, fonts, offline base, page data and the
city card.

May import ``geo.data`` and ``geo.corridors``; never ``geo.ogc``, ``geo.publish`` or ``geo.derive``.
"""
