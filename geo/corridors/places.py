"""Named places of the corridor network: terminals, ports, border crossings and junctions.

A place only *names* a network node: the node's position always comes from the corridor layers (a line end, or the
point of a corridor nearest the place). Reference points are approximate positions of the terminal or port, used
to recognise which line ends and which points along a line are that place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PlaceKind = Literal["city_terminal", "sea_port", "river_port", "border_crossing", "junction"]


@dataclass(frozen=True)
class Place:
    id: str
    name_en: str
    name_zh: str
    kind: PlaceKind
    lon: float
    lat: float
    country: str  # ISO 3166-1 alpha-2
    # The Persian name where one is in common use (the report's spelling where it has one); None: shown in English.
    name_fa: str | None = None


# Line ends within this distance of a place's reference point are that place.
END_MATCH_KM = 40.0
# A corridor passing within this distance of a place is split there (the place becomes a stop on it).
ON_LINE_KM = 20.0

PLACES: tuple[Place, ...] = (
    Place("chongqing", "Chongqing", "重庆", "city_terminal", 106.50, 29.58, "CN", "چونگ‌چینگ"),
    Place("duisburg", "Duisburg", "杜伊斯堡", "city_terminal", 6.76, 51.43, "DE", "دویسبورگ"),
    Place("moscow", "Moscow", "莫斯科", "city_terminal", 37.62, 55.75, "RU", "مسکو"),
    Place("alashankou", "Alashankou (border crossing)", "阿拉山口", "border_crossing", 82.57, 45.17, "CN"),
    Place("khorgos", "Khorgos (border crossing)", "霍尔果斯", "border_crossing", 80.42, 44.21, "CN"),
    Place("manzhouli", "Manzhouli (border crossing)", "满洲里", "border_crossing", 117.43, 49.60, "CN"),
    Place("brest-malaszewicze", "Brest – Małaszewicze (border crossing)", "布列斯特—马拉舍维奇", "border_crossing",
          23.69, 52.08, "BY"),
    Place("kunming", "Kunming", "昆明", "junction", 102.71, 25.04, "CN", "کونمینگ"),
    Place("mohan-boten", "Mohan – Boten (border crossing)", "磨憨—磨丁", "border_crossing", 101.68, 21.18, "CN"),
    Place("vientiane", "Vientiane", "万象", "city_terminal", 102.60, 17.97, "LA", "وینتیان"),
    Place("nanning", "Nanning", "南宁", "junction", 108.32, 22.82, "CN"),
    Place("qinzhou-port", "Qinzhou Port", "钦州港", "sea_port", 108.61, 21.70, "CN"),
    Place("beihai-port", "Beihai Port", "北海港", "sea_port", 109.11, 21.47, "CN"),
    Place("fangchenggang-port", "Fangchenggang Port", "防城港", "sea_port", 108.35, 21.63, "CN"),
    Place("singapore", "Singapore", "新加坡", "sea_port", 103.80, 1.26, "SG", "سنگاپور"),
    Place("port-klang", "Port Klang", "巴生港", "sea_port", 101.33, 2.99, "MY"),
    Place("jakarta-tanjung-priok", "Jakarta (Tanjung Priok)", "雅加达丹戎不碌港", "sea_port", 106.88, -6.10, "ID"),
    Place("cai-mep", "Cai Mep (Ho Chi Minh City)", "盖梅港（胡志明市）", "sea_port", 107.02, 10.52, "VN"),
    Place("haiphong", "Haiphong", "海防", "sea_port", 106.76, 20.84, "VN"),
    Place("laem-chabang", "Laem Chabang", "林查班港", "sea_port", 100.88, 13.08, "TH"),
    Place("bangkok", "Bangkok", "曼谷", "city_terminal", 100.50, 13.75, "TH", "بانکوک"),
    Place("yangon", "Yangon", "仰光", "city_terminal", 96.16, 16.79, "MM", "یانگون"),
    # The ASEAN Express's Vietnam line (its crossing is the atlas's assumption: see the corridor's description).
    Place("hanoi", "Hanoi", "河内", "city_terminal", 105.84, 21.02, "VN", "هانوی"),
    Place("pingxiang-dong-dang", "Pingxiang – Đồng Đăng (border crossing)", "凭祥—同登", "border_crossing", 106.75, 22.10,
          "CN"),
    # The Chongqing–Shenzhen–Hong Kong train's rail leg ends at Yantian (its barge leg to Hong Kong is not drawn).
    Place("yantian-port", "Yantian Port (Shenzhen)", "盐田港（深圳）", "sea_port", 114.27, 22.58, "CN"),
    # The Middle Corridor to Istanbul and the Central Asia and Budapest trains (the ports on the Caspian are the atlas's
    # assumption where the sources name none: see the corridors' geometry notes).
    Place("tashkent", "Tashkent", "塔什干", "city_terminal", 69.22, 41.26, "UZ", "تاشکند"),
    Place("istanbul", "Istanbul (Halkalı)", "伊斯坦布尔（哈尔卡利）", "city_terminal", 28.78, 41.03, "TR", "استانبول"),
    Place("budapest", "Budapest", "布达佩斯", "city_terminal", 19.04, 47.50, "HU", "بوداپست"),
    Place("almaty", "Almaty", "阿拉木图", "junction", 76.91, 43.25, "KZ", "آلماتی"),
    Place("aktau", "Aktau (Caspian port)", "阿克套", "sea_port", 51.32, 43.69, "KZ"),
    Place("baku", "Baku (Caspian port)", "巴库", "sea_port", 49.89, 40.38, "AZ", "باکو"),
    Place("tbilisi", "Tbilisi", "第比利斯", "junction", 44.83, 41.69, "GE", "تفلیس"),
    Place("kars", "Kars", "卡尔斯", "junction", 43.09, 40.60, "TR", "قارص"),
    Place("shanghai", "Shanghai", "上海", "sea_port", 121.50, 31.38, "CN", "شانگهای"),
    Place("yangtze-estuary", "Yangtze estuary (Shanghai)", "长江口", "junction", 122.10, 31.20, "CN"),
    Place("rotterdam", "Rotterdam", "鹿特丹", "sea_port", 4.10, 51.95, "NL", "روتردام"),
    Place("hamburg", "Hamburg", "汉堡", "sea_port", 9.93, 53.53, "DE", "هامبورگ"),
    Place("saint-petersburg", "Saint Petersburg", "圣彼得堡", "sea_port", 30.20, 59.88, "RU", "سن پترزبورگ"),
)

PLACES_BY_ID: dict[str, Place] = {place.id: place for place in PLACES}
