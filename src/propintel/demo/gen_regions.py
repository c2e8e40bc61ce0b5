"""The regions of the synthetic county: every municipality (by its real folio prefix) and the
parts of unincorporated Miami-Dade (prefix 30), with boxes on land, real zip codes and streets.

Municipality codes follow the real folios of ``realdata/`` (33 Palmetto Bay, 35 Doral, 36 Cutler
Bay): 31 Sunny Isles Beach, 32 Miami Lakes, 33 Palmetto Bay, 34 Miami Gardens, 35 Doral, 36 Cutler
Bay. Weights are shares of the county's ~938k parcels, in percent. Boxes on the county grid never
overlap (tests check it); zip codes are listed south to north.
"""

from __future__ import annotations

from functools import cache

from propintel.demo.gen_geo import COUNTY, HIALEAH, HOMESTEAD, Grid, Named, Region, ordinal


def _numbered_streets(first: int, last: int, nb: int, base: int = 100) -> tuple[Named, ...]:
    """Beach-style numbered east-west streets (``15 ST``), evenly spaced across the box."""
    count = last - first + 1
    return tuple(
        Named(f"{k} ST", True, (i + 0.5) / count, base, nb, f"{ordinal(k)} ST")
        for i, k in enumerate(range(first, last + 1))
    )


def _ns(*names: str, base: int = 100, nb: int = 20) -> tuple[Named, ...]:
    """North-south named streets, evenly spaced across the box."""
    return tuple(Named(nm, False, (i + 0.5) / len(names), base, nb) for i, nm in enumerate(names))


def _ew(*names: str, base: int = 100, nb: int = 20) -> tuple[Named, ...]:
    """East-west named streets, evenly spaced across the box."""
    return tuple(Named(nm, True, (i + 0.5) / len(names), base, nb) for i, nm in enumerate(names))


def _r(
    code: str,
    name: str,
    city: str,
    weight: float,
    box: tuple[float, float, float, float],
    zips: tuple[str, ...],
    grid: Grid | None,
    named: tuple[Named, ...],
    profile: str,
    value: float,
    clip: bool = True,
) -> Region:
    return Region(code, name, city, weight, box, zips, grid, named, profile, value, clip)


# fmt: off
_MIAMI_BEACH = (
    Named("COLLINS AVE", False, 0.88, 100, 86),
    *_ns("WEST AVE", "NORTH BAY RD", "ALTON RD", "PRAIRIE AVE", "MICHIGAN AVE", "ROYAL PALM AVE",
         "JEFFERSON AVE", "LA GORCE DR", "MERIDIAN AVE", "PINE TREE DR", "WASHINGTON AVE",
         "INDIAN CREEK DR", base=100, nb=86),
    *_numbered_streets(1, 87, 18),
)
_CORAL_GABLES = (
    *_ew("SEVILLA AVE", "ALMERIA AVE", "MALAGA AVE", "MAJORCA AVE", "VALENCIA AVE", "ZAMORA AVE",
         "CASTILE AVE", "SAN AMARO DR", "SAN LORENZO AVE", "BLUE RD", "ALHAMBRA CIR", "MADRID ST",
         base=100, nb=45),
    *_ns("GRANADA BLVD", "SEGOVIA ST", "LE JEUNE RD", "HARDEE RD", "RIVIERA DR", "MADRUGA AVE",
         "CORAL WAY DR", base=100, nb=60),
)
_TABLE = (
    # code, name, postal city, weight, (lat0, lat1, lon0, lon1), zips, grid, named streets,
    # land-use profile, value factor[, clip=False for islands]
    # --- barrier islands and bay islands (named streets)
    _r("02", "MIAMI BEACH", "MIAMI BEACH", 6.5, (25.768, 25.870, -80.145, -80.122),
     ("33139", "33140", "33141"), None, _MIAMI_BEACH, "beach", 1.6, clip=False),
    _r("14", "SURFSIDE", "SURFSIDE", 0.35, (25.870, 25.885, -80.128, -80.120), ("33154",), None,
     (Named("COLLINS AVE", False, 0.85, 8800, 8),
      *_ns("ABBOTT AVE", "BYRON AVE", "CARLYLE AVE", "DICKENS AVE", "HARDING AVE", base=8800, nb=8),
      *_numbered_streets(88, 96, 12)), "beach", 1.8, clip=False),
    _r("21", "INDIAN CREEK", "INDIAN CREEK", 0.005, (25.872, 25.882, -80.139, -80.134), ("33154",),
     None, (Named("INDIAN CREEK ISLAND RD", False, 0.5, 0, 20),), "estate", 8.0, clip=False),
    _r("13", "BAY HARBOR ISLANDS", "BAY HARBOR ISLANDS", 0.3, (25.885, 25.895, -80.140, -80.131),
     ("33154",), None,
     (*_ns("W BAY HARBOR DR", "E BAY HARBOR DR", nb=30),
      *_ew("KANE CONCOURSE", "BAY HARBOR TER", base=900, nb=14)), "beach", 1.3, clip=False),
    _r("12", "BAL HARBOUR", "BAL HARBOUR", 0.35, (25.885, 25.905, -80.128, -80.120), ("33154",),
       None,
     (Named("COLLINS AVE", False, 0.85, 9600, 8),
      *_ns("BAL BAY DR", "HARBOUR WAY", "CAMDEN DR", "BAL CROSS DR", nb=20)),
     "beach", 2.2, clip=False),
    _r("31", "SUNNY ISLES BEACH", "SUNNY ISLES BEACH", 2.6, (25.925, 25.958, -80.126, -80.120),
     ("33160",), None,
     (Named("COLLINS AVE", False, 0.8, 15000, 50),
      *_ew("ATLANTIC ISLE", "POINCIANA ISLE", "BAYVIEW DR", "GOLDEN SHORES DR", "SUNNY ISLES BLVD",
           "GATEWAY DR", "KING CAESAR RD", "OCEAN PARK DR", base=100, nb=60)),
     "beach", 1.4, clip=False),
    _r("19", "GOLDEN BEACH", "GOLDEN BEACH", 0.04, (25.960, 25.975, -80.124, -80.120), ("33160",),
     None,
     (*_ns("OCEAN BLVD", "GOLDEN BEACH DR", "THE STRAND", "CENTER ISLAND DR", nb=10),
      *_ew("S PARKWAY", "N PARKWAY", nb=10)), "estate", 4.0, clip=False),
    _r("23", "NORTH BAY VILLAGE", "NORTH BAY VILLAGE", 0.4, (25.843, 25.852, -80.160, -80.148),
     ("33141",), None,
     (*_ew("KENNEDY CSWY", base=1000, nb=30),
      *_ns("HARBOR ISLAND DR", "TREASURE DR", "N BAY ISLAND DR", base=7700, nb=20)),
     "beach", 0.9, clip=False),
    _r("24", "KEY BISCAYNE", "KEY BISCAYNE", 0.8, (25.684, 25.700, -80.168, -80.156), ("33149",),
     None,
     (*_ns("CRANDON BLVD", "HARBOR DR", "OCEAN LANE DR", nb=25),
      *_ew("FERNWOOD RD", "GLENRIDGE RD", "WOODCREST RD", "HAMPTON LN", "MASHTA DR", "ISLAND DR",
           nb=25)), "beach", 2.5, clip=False),
    # --- north
    _r("34", "MIAMI GARDENS", "MIAMI GARDENS", 3.8, (25.925, 25.975, -80.300, -80.205),
     ("33054", "33055", "33056", "33169"), COUNTY, (), "residential", 0.7),
    _r("30", "IVES ESTATES", "MIAMI", 2.0, (25.945, 25.975, -80.205, -80.152),
     ("33179", "33162", "33169"), COUNTY, (), "residential", 0.85),
    _r("28", "AVENTURA", "AVENTURA", 3.2, (25.945, 25.975, -80.152, -80.128), ("33180", "33160"),
     COUNTY, _ns("COUNTRY CLUB DR", "YACHT CLUB DR", "ISLAND BLVD", base=18800, nb=30),
     "condo", 1.1),
    _r("07", "NORTH MIAMI BEACH", "NORTH MIAMI BEACH", 1.6, (25.920, 25.945, -80.205, -80.140),
     ("33162", "33160", "33179"), COUNTY, (), "residential", 0.85),
    _r("32", "MIAMI LAKES", "MIAMI LAKES", 1.3, (25.895, 25.925, -80.345, -80.300),
     ("33014", "33016", "33018"), COUNTY, _ns("MAIN ST", "MIAMI LAKEWAY N", base=5800, nb=30),
     "residential", 1.1),
    _r("08", "OPA-LOCKA", "OPA-LOCKA", 0.6, (25.885, 25.910, -80.265, -80.240), ("33054",), COUNTY,
     _ew("ALI BABA AVE", "SESAME ST", "SHARAZAD BLVD", nb=20), "residential", 0.55),
    _r("30", "WEST LITTLE RIVER", "MIAMI", 3.0, (25.860, 25.920, -80.240, -80.205),
     ("33147", "33150", "33167", "33168"), COUNTY, (), "residential", 0.7),
    _r("06", "NORTH MIAMI", "NORTH MIAMI", 2.1, (25.885, 25.920, -80.205, -80.150),
     ("33161", "33168", "33181"), COUNTY, (), "residential", 0.8),
    _r("17", "BISCAYNE PARK", "BISCAYNE PARK", 0.13, (25.870, 25.885, -80.190, -80.175), ("33161",),
     COUNTY, (), "residential", 1.1),
    _r("11", "MIAMI SHORES", "MIAMI SHORES", 0.45, (25.855, 25.870, -80.205, -80.170),
     ("33138", "33150", "33153"), COUNTY, (), "residential", 1.3),
    _r("18", "EL PORTAL", "EL PORTAL", 0.08, (25.850, 25.855, -80.205, -80.190), ("33138", "33150"),
     COUNTY, (), "residential", 0.9),
    # --- northwest
    _r("27", "HIALEAH GARDENS", "HIALEAH GARDENS", 0.8, (25.860, 25.895, -80.370, -80.345),
     ("33016", "33018"), COUNTY, (), "residential", 0.8),
    _r("04", "HIALEAH", "HIALEAH", 5.5, (25.835, 25.895, -80.345, -80.265),
     ("33010", "33012", "33013", "33014", "33015", "33016"), HIALEAH,
     _ns("PALM AVE", base=0, nb=60), "residential", 0.75),
    _r("22", "MEDLEY", "MEDLEY", 0.12, (25.835, 25.860, -80.390, -80.345), ("33166", "33178"),
     COUNTY, (), "industrial", 0.9),
    _r("30", "BROWNSVILLE", "MIAMI", 1.5, (25.835, 25.860, -80.265, -80.205),
     ("33142", "33147", "33127"), COUNTY, (), "residential", 0.65),
    _r("01", "MIAMI NORTH", "MIAMI", 1.5, (25.835, 25.850, -80.205, -80.170),
     ("33137", "33138", "33127"), COUNTY, (Named("BISCAYNE BLVD", False, 0.75, 5000, 15),),
     "residential", 1.2),
    # --- central
    _r("35", "DORAL", "DORAL", 3.5, (25.790, 25.835, -80.400, -80.320),
     ("33122", "33166", "33172", "33178"), COUNTY, _ew("DORAL BLVD", base=7500, nb=45),
     "condo_mixed", 1.1),
    _r("05", "MIAMI SPRINGS", "MIAMI SPRINGS", 0.5, (25.810, 25.835, -80.320, -80.280), ("33166",),
     COUNTY, _ew("CURTISS PKWY", nb=20), "residential", 1.0),
    _r("26", "VIRGINIA GARDENS", "VIRGINIA GARDENS", 0.1, (25.800, 25.810, -80.310, -80.295),
     ("33166",), COUNTY, (), "residential", 0.9),
    _r("01", "MIAMI", "MIAMI", 11.0, (25.760, 25.835, -80.265, -80.185),
     ("33125", "33127", "33128", "33130", "33132", "33135", "33136", "33137", "33142"), COUNTY,
     (Named("BISCAYNE BLVD", False, 0.93, 100, 45), Named("N MIAMI AVE", False, 0.83, 100, 70)),
     "urban", 1.0),
    _r("25", "SWEETWATER", "SWEETWATER", 0.5, (25.755, 25.780, -80.385, -80.360),
     ("33174", "33172"), COUNTY, (), "residential", 0.75),
    _r("30", "WESTCHESTER", "MIAMI", 5.0, (25.735, 25.790, -80.360, -80.305),
     ("33155", "33165", "33174", "33175", "33144", "33185"), COUNTY,
     (Named("BIRD RD", True, 0.05, 7000, 50),), "residential", 0.9),
    _r("15", "WEST MIAMI", "WEST MIAMI", 0.2, (25.755, 25.765, -80.300, -80.290),
     ("33144", "33155"), COUNTY, (), "residential", 1.0),
    _r("01", "MIAMI SOUTH", "MIAMI", 3.5, (25.720, 25.760, -80.245, -80.190),
     ("33129", "33133", "33145", "33131", "33135"), COUNTY,
     (Named("S BAYSHORE DR", False, 0.75, 1500, 25), Named("CORAL WAY", True, 0.4, 1000, 25),
      Named("BRICKELL AVE", False, 0.97, 100, 30)), "urban", 1.2),
    _r("03", "CORAL GABLES", "CORAL GABLES", 2.5, (25.690, 25.755, -80.290, -80.245),
     ("33134", "33143", "33146"), None, _CORAL_GABLES, "residential", 2.0),
    # --- south
    _r("09", "SOUTH MIAMI", "SOUTH MIAMI", 0.5, (25.695, 25.720, -80.310, -80.290), ("33143",),
     COUNTY, (), "residential", 1.3),
    _r("30", "KENDALL", "MIAMI", 6.0, (25.650, 25.735, -80.360, -80.310),
     ("33156", "33173", "33176", "33183", "33143", "33155"), COUNTY,
     (Named("SUNSET DR", True, 0.85, 7000, 50),), "residential", 1.0),
    _r("30", "WEST KENDALL", "MIAMI", 9.0, (25.640, 25.755, -80.4483, -80.360),
     ("33175", "33183", "33186", "33193", "33196", "33185"), COUNTY,
     (Named("HAMMOCKS BLVD", False, 0.35, 9000, 18), Named("KENDALL DR", True, 0.45, 10000, 50)),
     "residential", 0.85),
    _r("20", "PINECREST", "PINECREST", 0.7, (25.640, 25.690, -80.310, -80.280), ("33156",), COUNTY,
     (Named("OLD CUTLER RD", False, 0.9, 9000, 40),), "estate", 2.3),
    _r("33", "PALMETTO BAY", "PALMETTO BAY", 1.1, (25.595, 25.640, -80.350, -80.300),
     ("33157", "33158"), COUNTY, (Named("OLD CUTLER RD", False, 0.85, 13000, 45),),
     "residential", 1.5),
    _r("30", "RICHMOND", "MIAMI", 4.0, (25.590, 25.640, -80.4483, -80.350),
     ("33176", "33177", "33186", "33187", "33157"), COUNTY, (), "residential", 0.85),
    _r("36", "CUTLER BAY", "CUTLER BAY", 1.8, (25.555, 25.590, -80.370, -80.320),
     ("33157", "33189", "33190"), COUNTY, (Named("OLD CUTLER RD", False, 0.8, 18000, 40),),
     "residential", 0.85),
    _r("30", "SOUTH MIAMI HEIGHTS", "MIAMI", 3.0, (25.550, 25.590, -80.4483, -80.370),
     ("33177", "33170", "33157", "33187"), COUNTY, (), "residential", 0.75),
    _r("30", "PRINCETON", "MIAMI", 4.0, (25.480, 25.550, -80.4483, -80.345),
     ("33032", "33170", "33033", "33190"), COUNTY, (), "residential", 0.7),
    _r("10", "HOMESTEAD", "HOMESTEAD", 3.0, (25.455, 25.480, -80.4483, -80.400),
     ("33030", "33031", "33033", "33034", "33035"), HOMESTEAD, (), "residential", 0.7),
    _r("16", "FLORIDA CITY", "FLORIDA CITY", 0.6, (25.435, 25.455, -80.4483, -80.420), ("33034",),
     HOMESTEAD, (), "residential", 0.6),
    _r("30", "LEISURE CITY", "HOMESTEAD", 1.5, (25.435, 25.480, -80.400, -80.365),
     ("33033", "33035", "33039"), COUNTY, (), "residential", 0.7),
)
# fmt: on


@cache
def regions() -> tuple[Region, ...]:
    """The built regions (street lines laid out), cached per process."""
    for i, reg in enumerate(_TABLE):
        reg.index = i
        reg.build()
    return _TABLE
