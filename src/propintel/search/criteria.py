"""What a search asks for: one pydantic model for ``GET /api/v1/properties`` (query string),
``POST /api/v1/properties/search`` (JSON), the search page and saved searches (stored as JSON in
``saved_searches.search_criteria``), plus the keyset listing of each order (``LISTINGS``), whose
cursors continue a page of results.

Cross-field rules live in field validators of the later field (``radius_m`` after ``near``,
``sort`` after ``near``, ``max_value`` after ``min_value``), so every error names its field.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
)
from starlette.datastructures import QueryParams

from propintel.ingest.landuse import RESIDENTIAL_TYPES
from propintel.ingest.parse.owner_names import OwnerType
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import (
    DEFAULT_LIMIT,
    MAX_CURSOR_LENGTH,
    MAX_LIMIT,
    KeyPart,
    Listing,
)
from propintel.kit.text import INT4_MAX, Text

MAX_RADIUS_M = 50_000
DEFAULT_RADIUS_M = 5_000
MAX_LIST_ITEMS = 50
MAX_POLYGON_VERTICES = 1_000
OWNER_TYPES: tuple[str, ...] = get_args(OwnerType)
PROPERTY_TYPES: frozenset[str] = frozenset(
    {
        *RESIDENTIAL_TYPES.values(),
        "vacant_commercial",
        "vacant_industrial",
        "commercial",
        "industrial",
        "agricultural",
        "institutional",
        "government",
        "miscellaneous",
    }
)
ZIP_PATTERN = re.compile(r"^\d{5}$")
INDICATOR_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,99}$")


class Intent(enum.StrEnum):
    NEW_HOMEOWNER = "new_homeowner"
    DISTRESSED = "distressed"
    FSBO = "fsbo"


class SortKey(enum.StrEnum):
    SCORE = "score"
    SALE_DATE = "sale_date"
    DISTANCE = "distance"
    VALUE = "value"


# The keyset of each order: the row's sort value (``repository.sort_sql``) and its property_id. A
# cursor names its order, so it never continues a search in another one.
LISTINGS: dict[SortKey, Listing] = {
    SortKey.SCORE: Listing("search.score", (KeyPart.INT, KeyPart.UUID)),
    SortKey.SALE_DATE: Listing("search.sale_date", (KeyPart.DATE, KeyPart.UUID)),
    SortKey.DISTANCE: Listing("search.distance", (KeyPart.NUMBER, KeyPart.UUID)),
    SortKey.VALUE: Listing("search.value", (KeyPart.INT, KeyPart.UUID)),
}


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float

    def __str__(self) -> str:
        return f"{self.lat:.6f},{self.lon:.6f}"


def _parse_point(value: Any) -> Any:
    """``"lat,lon"`` (query string, saved JSON) or ``{"lat": …, "lon": …}`` → Point."""
    if isinstance(value, Point) or value is None:
        return value
    if isinstance(value, dict):
        lat, lon = value.get("lat"), value.get("lon")
    elif isinstance(value, str) and value.count(",") == 1:
        lat, lon = (part.strip() for part in value.split(","))
    else:
        raise ValueError(_("must be 'lat,lon' (e.g. '25.7617,-80.1918')"))
    try:
        point = Point(float(lat), float(lon))  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise ValueError(_("must be 'lat,lon' with two numbers")) from error
    if not (-90 <= point.lat <= 90 and -180 <= point.lon <= 180):
        raise ValueError(_("latitude must be within ±90 and longitude within ±180"))
    return point


LatLon = Annotated[Point, BeforeValidator(_parse_point), PlainSerializer(str, return_type=str)]
Position = tuple[float, float]


class GeoJsonPolygon(BaseModel):
    """A GeoJSON Polygon (RFC 7946: [lon, lat] positions, closed rings). Self-intersection is
    checked by the database (``ST_IsValid``) before searching."""

    model_config = ConfigDict(extra="forbid")

    type: str
    coordinates: list[list[Position]] = Field(min_length=1, max_length=20)

    @field_validator("type")
    @classmethod
    def _is_polygon(cls, value: str) -> str:
        if value != "Polygon":
            raise ValueError(_("must be 'Polygon' (a GeoJSON Polygon geometry)"))
        return value

    @field_validator("coordinates")
    @classmethod
    def _rings(cls, rings: list[list[Position]]) -> list[list[Position]]:
        if sum(len(ring) for ring in rings) > MAX_POLYGON_VERTICES:
            raise ValueError(_("at most {count} positions").format(count=MAX_POLYGON_VERTICES))
        for ring in rings:
            if len(ring) < 4:
                raise ValueError(_("each ring needs at least 4 positions (a closed triangle)"))
            if ring[0] != ring[-1]:
                raise ValueError(_("each ring must be closed (last position = first)"))
            for lon, lat in ring:
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise ValueError(_("positions are [longitude, latitude] within ±180/±90"))
            # On the globe (geography) an edge takes the shorter way round: a ring spanning half
            # the world or more is not the area drawn, and antipodal points have no edge at all.
            lons, lats = [lon for lon, _lat in ring], [lat for _lon, lat in ring]
            if max(lons) - min(lons) >= 180 or max(lats) - min(lats) >= 180:
                raise ValueError(_("a polygon must span less than half the globe (180°)"))
        return rings


class SearchCriteria(BaseModel):
    """The filters and order of a search. Stored as is by saved searches
    (``model_dump(mode="json", exclude_defaults=True)``)."""

    model_config = ConfigDict(extra="forbid")

    intent: Intent | None = Field(
        default=None, description="new_homeowner | distressed | fsbo; unset: all your plan allows"
    )
    zip: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    city: Text | None = Field(default=None, min_length=1, max_length=100)
    property_type: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    near: LatLon | None = Field(default=None, description="'lat,lon': centre of a radius search")
    radius_m: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RADIUS_M,
        description=f"metres around near (default {DEFAULT_RADIUS_M:,}, at most {MAX_RADIUS_M:,})",
        validate_default=True,
    )
    polygon: GeoJsonPolygon | None = Field(
        default=None, description="GeoJSON Polygon (POST only): draw-on-map search"
    )
    min_score: int | None = Field(default=None, ge=0, le=10_000)
    indicator: list[str] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="intent_indicators names; every one must be detected",
    )
    sold_within_days: int | None = Field(default=None, ge=1, le=36_500)
    min_years_owned: int | None = Field(
        default=None, ge=1, le=100, description="last arm's-length sale at least this long ago"
    )
    pool: bool | None = None
    min_beds: int | None = Field(default=None, ge=0, le=50)
    min_baths: float | None = Field(default=None, ge=0, le=50)
    # Compared with INTEGER columns: a larger number would fail in the database.
    min_value: int | None = Field(default=None, ge=0, le=INT4_MAX)
    max_value: int | None = Field(default=None, ge=0, le=INT4_MAX, validate_default=True)
    min_equity_pct: float | None = Field(default=None, ge=-1000, le=100)
    owner_type: str | None = None
    out_of_state: bool | None = None
    sort: SortKey = Field(default=SortKey.SCORE, validate_default=True)

    @field_validator("zip")
    @classmethod
    def _zips(cls, values: list[str]) -> list[str]:
        return _checked(
            values, lambda value: bool(ZIP_PATTERN.match(value)), N_("a 5-digit ZIP code")
        )

    @field_validator("polygon", mode="before")
    @classmethod
    def _polygon_json(cls, value: Any) -> Any:
        """A query string (a page's URL, an export link) carries the polygon as JSON text."""
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError as error:
            raise ValueError(_("must be a GeoJSON Polygon (JSON)")) from error

    @field_validator("zip", "property_type", "indicator", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("property_type")
    @classmethod
    def _property_types(cls, values: list[str]) -> list[str]:
        return _checked(
            values,
            PROPERTY_TYPES.__contains__,
            N_("a known property type (one of: {names})"),
            names=", ".join(sorted(PROPERTY_TYPES)),
        )

    @field_validator("indicator")
    @classmethod
    def _indicators(cls, values: list[str]) -> list[str]:
        # Whether each name exists is checked against intent_indicators (service.py).
        return _checked(
            values, lambda value: bool(INDICATOR_PATTERN.match(value)), N_("an indicator name")
        )

    @field_validator("owner_type")
    @classmethod
    def _owner_type(cls, value: str | None) -> str | None:
        if value is not None and value not in OWNER_TYPES:
            raise ValueError(
                _("unknown owner type; one of: {names}").format(names=", ".join(OWNER_TYPES))
            )
        return value

    @field_validator("city")
    @classmethod
    def _city(cls, value: str | None) -> str | None:
        return value.strip().upper() if value else value

    @field_validator("radius_m")
    @classmethod
    def _radius_needs_centre(cls, value: int | None, info: ValidationInfo) -> int | None:
        has_centre = info.data.get("near") is not None
        if value is not None and not has_centre and "near" not in _failed(info):
            raise ValueError(_("radius_m needs near=lat,lon"))
        if value is None and has_centre:
            return DEFAULT_RADIUS_M
        return value

    @field_validator("max_value")
    @classmethod
    def _value_range(cls, value: int | None, info: ValidationInfo) -> int | None:
        low = info.data.get("min_value")
        if value is not None and low is not None and low > value:
            raise ValueError(_("max_value must be at least min_value"))
        return value

    @field_validator("sort")
    @classmethod
    def _distance_needs_centre(cls, value: SortKey, info: ValidationInfo) -> SortKey:
        if value == SortKey.DISTANCE and info.data.get("near") is None:
            raise ValueError(_("sort=distance needs near=lat,lon"))
        return value

    def stored(self) -> dict[str, Any]:
        """The JSON a saved search keeps (defaults left out, so older searches stay valid)."""
        return self.model_dump(mode="json", exclude_defaults=True)


def _checked(values: list[str], valid: Any, what: str, **names: str) -> list[str]:
    """``values`` trimmed, without repeats; ``what`` (English, marked with ``N_``, formatted with
    ``names``) says what each should be."""
    cleaned = [str(value).strip() for value in values]
    for value in cleaned:
        if not valid(value):
            expected = _(what).format(**names)
            raise ValueError(_("{value} is not {what}").format(value=repr(value), what=expected))
    return list(dict.fromkeys(cleaned))


def _failed(info: ValidationInfo) -> set[str]:
    """Fields validated before this one that failed (absent from ``info.data``)."""
    return set(SearchCriteria.model_fields) - set(info.data) - {info.field_name or ""}


class SearchPage(SearchCriteria):
    """Criteria plus the page wanted: ``limit`` rows after ``cursor``."""

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(
        default=None, max_length=MAX_CURSOR_LENGTH, description="next_cursor of a page"
    )

    def criteria(self) -> SearchCriteria:
        return SearchCriteria.model_validate(self.model_dump(exclude={"limit", "cursor"}))


# ---- criteria from a query string ----------------------------------------------------------------

_LIST_FIELDS = ("zip", "property_type", "indicator")
_PAGE_FIELDS = frozenset(SearchPage.model_fields)


def query_values(params: QueryParams) -> dict[str, Any]:
    """A query string (the search page's, a saved search's) as criteria input: empty fields
    dropped, list fields split on commas or spaces (one "ZIP codes" box), unknown names ignored."""
    values: dict[str, Any] = {}
    for key, raw in params.multi_items():
        value = raw.strip()
        if not value or key not in _PAGE_FIELDS:
            continue
        if key in _LIST_FIELDS:
            values.setdefault(key, []).extend(part for part in re.split(r"[,\s]+", value) if part)
        else:
            values[key] = value
    return values
