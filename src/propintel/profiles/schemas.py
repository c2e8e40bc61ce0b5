"""Profile shapes: what a subscriber or homeowner may write (validated and normalised here, so the
API, the page and the demo share one set of rules), and what the API answers.

Normalised forms: phones in E.164 (``+13055551234``), e-mail addresses lower-cased after the
``@``, websites with their scheme (``https://`` added when missing; only http and https), ZIP
codes as 5 digits, services in the order of ``SERVICE_CATEGORIES``. Error messages are translated
in the request's locale (validators run within the request).
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from propintel.kit.clock import NewYorkDatetime
from propintel.kit.i18n import N_, _
from propintel.profiles.categories import (
    BRAND_VOICES,
    BUSINESS_TYPES,
    DEFAULT_BRAND_VOICE,
    SERVICE_CATEGORIES,
)
from propintel.search.criteria import SearchCriteria

MIN_RADIUS_MILES: Final = 0.5
MAX_RADIUS_MILES: Final = 100.0
MAX_ZIP_CODES: Final = 100
# Miami-Dade and its neighbours, generously: a centre outside is a typo (a swapped sign, lat/lon
# exchanged), not a business in the county's market.
CENTER_LAT: Final = (24.3, 26.6)
CENTER_LON: Final = (-81.9, -79.8)
MAX_DESCRIPTION: Final = 2000
MAX_URL: Final = 2000

ZIP_RE: Final = re.compile(r"^\d{5}$")
_PHONE_JUNK: Final = re.compile(r"[\s().\-/]+")
_EMAIL_RE: Final = re.compile(r"^[^@\s<>()\[\]\\,;:\"]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,63}$")
_BARE_HOST_RE: Final = re.compile(
    r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}(:\d{1,5})?([/?#].*)?$"
)
_HOST_RE: Final = re.compile(r"^([A-Za-z0-9-]+\.)+[A-Za-z]{2,63}$")


# ---- normalisers (also used by pages to redisplay, and by tests) ---------------------------------


def normalize_phone(raw: str) -> str:
    """A US phone number as E.164: 10 digits (an optional leading 1 or +1); area code and
    exchange cannot start with 0 or 1 (NANP)."""
    text = _PHONE_JUNK.sub("", raw.strip())
    if text.startswith("+1"):
        text = text[2:]
    elif text.startswith("+"):
        raise ValueError(_("Enter a US phone number (10 digits)."))
    elif len(text) == 11 and text.startswith("1"):
        text = text[1:]
    if not (text.isascii() and text.isdigit() and len(text) == 10):
        raise ValueError(_("Enter a US phone number (10 digits)."))
    if text[0] in "01" or text[3] in "01":
        raise ValueError(_("This is not a valid US phone number."))
    return "+1" + text


def normalize_email(raw: str) -> str:
    text = raw.strip()
    if len(text) > 255 or not _EMAIL_RE.match(text):
        raise ValueError(_("Enter an e-mail address such as name@example.com."))
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalize_website(raw: str) -> str:
    """http(s) only; ``example.com`` becomes ``https://example.com``; no user:password@."""
    text = raw.strip()
    if "://" not in text and _BARE_HOST_RE.match(text):
        text = "https://" + text
    if len(text) > MAX_URL or any(ch.isspace() for ch in text):
        raise ValueError(_("Enter a web address such as https://example.com."))
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(_("Only web addresses starting with http:// or https:// are accepted."))
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018  # raises ValueError for a bad port
    except ValueError as error:
        raise ValueError(_("Enter a web address such as https://example.com.")) from error
    if parts.username is not None or parts.password is not None or not _HOST_RE.match(host):
        raise ValueError(_("Enter a web address such as https://example.com."))
    return text


def normalize_zip(raw: str) -> str:
    text = str(raw).strip()
    if not ZIP_RE.match(text):
        raise ValueError(_("{value} is not a 5-digit ZIP code.").format(value=text[:20]))
    return text


def _optional(normalize: Callable[[str], str]) -> BeforeValidator:
    """A text field that may be left blank (None); otherwise ``normalize``d."""

    def check(value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise ValueError(_("Enter text."))
        return normalize(value)

    return BeforeValidator(check)


def _text(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        text = " ".join(value.split()) if limit <= 255 else value.strip()
        if len(text) > limit:
            raise ValueError(_("At most {limit} characters.").format(limit=limit))
        return text

    return check


def _choice(choices: dict[str, str], message: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(_(message))
        return value

    return check


Line = Annotated[str | None, _optional(_text(255))]
LongText = Annotated[str | None, _optional(_text(MAX_DESCRIPTION))]
Phone = Annotated[str | None, _optional(normalize_phone)]
Email = Annotated[str | None, _optional(normalize_email)]
Website = Annotated[str | None, _optional(normalize_website)]
Zip = Annotated[str | None, _optional(normalize_zip)]
MAX_POSTAL: Final = 500


def _postal(value: str) -> str:
    """A postal address on up to a few lines, each trimmed, blank lines dropped."""
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
    text = "\n".join(line for line in lines if line)
    if len(text) > MAX_POSTAL:
        raise ValueError(_("At most {limit} characters.").format(limit=MAX_POSTAL))
    return text


# The business's postal address: every e-mail to an owner shows it (CAN-SPAM).
PostalAddress = Annotated[str | None, _optional(_postal)]
BusinessType = Annotated[
    str | None, _optional(_choice(BUSINESS_TYPES, N_("Choose one of the business types.")))
]


# ---- service area --------------------------------------------------------------------------------


class Center(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lat: float = Field(allow_inf_nan=False)
    lon: float = Field(allow_inf_nan=False)

    @field_validator("lat")
    @classmethod
    def _lat(cls, value: float) -> float:
        if not CENTER_LAT[0] <= value <= CENTER_LAT[1]:
            raise ValueError(_("The centre must be in or near Miami-Dade (latitude 24.3 to 26.6)."))
        return round(value, 6)

    @field_validator("lon")
    @classmethod
    def _lon(cls, value: float) -> float:
        if not CENTER_LON[0] <= value <= CENTER_LON[1]:
            raise ValueError(
                _("The centre must be in or near Miami-Dade (longitude -81.9 to -79.8).")
            )
        return round(value, 6)


class ServiceArea(BaseModel):
    """ZIP codes and/or a circle (centre and radius in miles); both may be given, the area is
    their union. Stored as entered in ``subscriber_profiles.service_area``."""

    model_config = ConfigDict(extra="forbid")

    zip_codes: list[str] = Field(default_factory=list)
    center: Center | None = None
    radius_miles: float | None = Field(default=None, allow_inf_nan=False, validate_default=True)

    @field_validator("zip_codes", mode="before")
    @classmethod
    def _zip_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part for part in re.split(r"[,\s]+", value) if part]
        return value

    @field_validator("zip_codes")
    @classmethod
    def _zips(cls, values: list[str]) -> list[str]:
        cleaned = list(dict.fromkeys(normalize_zip(value) for value in values))
        if len(cleaned) > MAX_ZIP_CODES:
            raise ValueError(_("At most {count} ZIP codes.").format(count=MAX_ZIP_CODES))
        return cleaned

    @field_validator("radius_miles")
    @classmethod
    def _radius(cls, value: float | None, info: ValidationInfo) -> float | None:
        has_center = info.data.get("center") is not None
        center_failed = "center" not in info.data
        if value is None:
            if has_center:
                raise ValueError(_("Give a radius for the centre (in miles)."))
            return None
        if not has_center and not center_failed:
            raise ValueError(_("A radius needs a centre (latitude and longitude)."))
        if not MIN_RADIUS_MILES <= value <= MAX_RADIUS_MILES or math.isnan(value):
            raise ValueError(
                _("The radius must be between {low} and {high} miles.").format(
                    low=MIN_RADIUS_MILES, high=int(MAX_RADIUS_MILES)
                )
            )
        return round(value, 2)

    def stored(self) -> dict[str, Any] | None:
        """The JSON kept in ``service_area`` (None when nothing is entered)."""
        stored: dict[str, Any] = {}
        if self.zip_codes:
            stored["zip_codes"] = self.zip_codes
        if self.center is not None and self.radius_miles is not None:
            stored["center"] = {"lat": self.center.lat, "lon": self.center.lon}
            stored["radius_miles"] = self.radius_miles
        return stored or None


# ---- what a profile owner writes -----------------------------------------------------------------


class SubscriberProfileIn(BaseModel):
    """Every field a subscriber edits (a PUT replaces them all: a missing field is cleared).
    ``verified`` and the license fields are not among them (the marketplace's)."""

    model_config = ConfigDict(extra="forbid")

    business_name: Line = None
    business_type: BusinessType = None
    business_description: LongText = None
    business_phone: Phone = None
    business_email: Email = None
    website_url: Website = None
    postal_address: PostalAddress = None
    brand_voice: str = DEFAULT_BRAND_VOICE
    services_offered: list[str] = Field(default_factory=list)
    service_area: ServiceArea | None = None
    target_criteria: SearchCriteria | None = None

    @field_validator("brand_voice", mode="before")
    @classmethod
    def _brand_voice(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return DEFAULT_BRAND_VOICE
        if value not in BRAND_VOICES:
            raise ValueError(_("Choose one of the brand voices."))
        return value

    @field_validator("services_offered", mode="before")
    @classmethod
    def _services(cls, value: Any) -> Any:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(_("Services are a list of category names."))
        unknown = [item for item in value if item not in SERVICE_CATEGORIES]
        if unknown:
            raise ValueError(
                _("Unknown service category: {names}.").format(names=", ".join(unknown[:5]))
            )
        chosen = set(value)
        return [slug for slug in SERVICE_CATEGORIES if slug in chosen]


class HomeownerProfileIn(BaseModel):
    """What a homeowner edits. The address is one line (``"123 NW 5th Ave, Miami, FL 33128"``);
    the ZIP code may be given apart or inside it."""

    model_config = ConfigDict(extra="forbid")

    full_name: Line = None
    phone_number: Phone = None
    address: Line = None
    zip_code: Zip = None


# ---- what the API answers ------------------------------------------------------------------------


class SubscriberProfileOut(BaseModel):
    kind: Literal["subscriber"] = "subscriber"
    profile_id: uuid.UUID
    business_name: str | None
    business_type: str | None
    business_description: str | None
    business_logo_url: str | None
    business_phone: str | None
    business_email: str | None
    website_url: str | None
    postal_address: str | None
    brand_voice: str | None
    services_offered: list[str]
    service_area: dict[str, Any] | None
    target_criteria: dict[str, Any] | None
    verified: bool
    updated_at: NewYorkDatetime | None


class MatchedProperty(BaseModel):
    property_id: uuid.UUID
    full_address: str
    zip_code: str | None


class HomeownerProfileOut(BaseModel):
    kind: Literal["homeowner"] = "homeowner"
    profile_id: uuid.UUID
    full_name: str | None
    phone_number: str | None
    address: str | None
    zip_code: str | None
    property: MatchedProperty | None


class LogoOut(BaseModel):
    business_logo_url: str
