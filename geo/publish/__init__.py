"""What leaves the atlas: download formats, prepared (compressed, tagged) responses, and the static build with its
output folder.

May import ``geo.data``, ``geo.corridors``, ``geo.map`` and ``geo.ogc``; never ``geo.derive``.
"""
