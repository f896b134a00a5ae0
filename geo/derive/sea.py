"""Sea legs on searoute's shipping lanes, kept off the GSHHS full-resolution coast.

searoute's lane network is coarse near coasts: between lane nodes, and from the last node to a port, a straight
piece can cut a cape or a river bank. Such pieces are moved just offshore, around the land they crossed.
"""

from __future__ import annotations

from shapely import STRtree
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import nearest_points, substring

from geo.derive import reference
from geo.derive.inputs import Waypoint
from geo.data.geodesy import distance_km
from geo.derive.legs import Leg

OFFSHORE_DEG = 0.01  # how far off the coast a repaired piece runs (~1 km)
POCKET_DEG = 0.15  # crossings this close to a lane's port end are harbour channels, not capes


def _land(bbox: tuple[float, float, float, float]) -> list[Polygon]:
    return [poly for level, poly in reference.shorelines(bbox) if level == 1]


def _to_water(point: Point, land: Polygon | None) -> Point:
    """A port given on land (a quay in a river GSHHS closes over) moves to the nearest water just off the coast."""
    if land is None or not land.contains(point):
        return point
    coast = land.buffer(OFFSHORE_DEG / 2).exterior
    return nearest_points(coast, point)[0]


def _arc(ring: LineString, a: float, b: float) -> LineString:
    """The part of a closed ring from distance ``a`` to ``b`` along it, wrapping past its start if needed."""
    if a <= b:
        return substring(ring, a, b)
    return LineString([*substring(ring, a, ring.length).coords, *substring(ring, 0, b).coords])


def _around(line: LineString, land: Polygon) -> LineString:
    """Replace the piece of ``line`` crossing ``land`` with the shorter way round the land's offshore outline."""
    ring = land.buffer(OFFSHORE_DEG).exterior
    inside = line.intersection(land.buffer(OFFSHORE_DEG * 0.99))
    pieces = list(getattr(inside, "geoms", [inside]))
    entry = line.project(Point(pieces[0].coords[0]))
    exit_ = line.project(Point(pieces[-1].coords[-1]))
    a, b = ring.project(line.interpolate(entry)), ring.project(line.interpolate(exit_))
    one_way = _arc(ring, a, b)
    other_way = LineString(list(_arc(ring, b, a).coords)[::-1])
    detour = min(one_way, other_way, key=lambda g: g.length)
    head, tail = substring(line, 0, entry), substring(line, exit_, line.length)
    return LineString([*head.coords, *detour.coords, *tail.coords])


def _trim_port_pockets(lane: LineString, polygons: list[Polygon], tree: STRtree) -> LineString:
    """Where the lane reaches its port node through channels GSHHS closes over, end the lane before the channel;
    the port approach (drawn straight and labelled) covers the rest."""
    end = Point(lane.coords[-1])
    for index in tree.query(lane, predicate="intersects"):
        piece = lane.intersection(polygons[index])
        for part in getattr(piece, "geoms", [piece]):
            if part.length > 0 and part.distance(end) < POCKET_DEG:
                lane = substring(lane, 0, max(lane.project(Point(part.coords[0])) - OFFSHORE_DEG, 0))
    return lane


def sea_leg(start: Waypoint, end: Waypoint) -> Leg:
    """The lane path between the lane nodes nearest the two ports, kept off the coast, plus the straight approach
    from each port to its lane node (labelled in the leg's note)."""
    import searoute

    feature = searoute.searoute([start.lon, start.lat], [end.lon, end.lat], units="km")
    lane = LineString([(float(x), float(y)) for x, y in feature["geometry"]["coordinates"]])
    minx, miny, maxx, maxy = lane.bounds
    polygons = _land((minx - 1, miny - 1, maxx + 1, maxy + 1))
    tree = STRtree(polygons)
    coords = list(lane.coords)
    for index in (0, -1):
        x, y = coords[index]
        hits = [polygons[i] for i in tree.query(Point(x, y), predicate="intersects")]
        if hits:
            local = hits[0].intersection(box(x - 0.3, y - 0.3, x + 0.3, y + 0.3))
            local = next(p for p in getattr(local, "geoms", [local]) if p.intersects(Point(x, y)))
            coords[index] = tuple(_to_water(Point(x, y), local).coords[0])
    lane = _trim_port_pockets(LineString(coords), polygons, tree)
    for _ in range(20):  # each pass moves one crossing; a leg crosses a handful at most
        crossed = [polygons[i] for i in tree.query(lane, predicate="intersects")
                   if lane.intersection(polygons[i]).length > 0]
        if not crossed:
            break
        piece = lane.intersection(crossed[0])
        x0, y0, x1, y1 = piece.bounds
        # Only the coast near the crossing matters (and buffering a whole continent is slow).
        local = crossed[0].intersection(box(x0 - 0.5, y0 - 0.5, x1 + 0.5, y1 + 0.5))
        local = max(getattr(local, "geoms", [local]), key=lambda p: p.intersection(piece).length)
        lane = _around(lane, local)
    approach = [distance_km(start.lon, start.lat, *lane.coords[0]), distance_km(*lane.coords[-1], end.lon, end.lat)]
    note = (f"{start.name}–{end.name}: the approaches from the ports to the lane network ({approach[0]:.0f} and "
            f"{approach[1]:.0f} km) are drawn straight")
    return Leg(start, end, [(start.lon, start.lat), *lane.coords, (end.lon, end.lat)],
               reference.searoute_dataset().name, note)
