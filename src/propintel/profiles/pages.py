"""Profile pages: ``/profile`` shows a subscriber's business form (contact, services, service area,
target criteria, brand voice, logo) or a homeowner's home form. Forms work without JavaScript; a
refused form is shown again with what was typed and a message at each refused field."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from propintel.auth.deps import SubscriberUser, require_user
from propintel.auth.models import SubscriberProfile, User, UserType
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError, Invalid
from propintel.kit.i18n import _
from propintel.profiles import service as profiles
from propintel.profiles.categories import BRAND_VOICES, BUSINESS_TYPES, SERVICE_CATEGORIES
from propintel.profiles.endpoints import storage_of
from propintel.profiles.forms import field_errors
from propintel.profiles.schemas import HomeownerProfileIn, SubscriberProfileIn
from propintel.search.criteria import PROPERTY_TYPES, Intent
from propintel.search.labels import property_type_name
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/profile"
ProfileOwner = Annotated[User, Depends(require_user(UserType.SUBSCRIBER, UserType.HOMEOWNER))]

# The target-criteria fields the page edits (prefixed ``target_`` in the form); other criteria a
# profile may hold (set through the API: a polygon, indicators…) are kept as they are.
TARGET_FIELDS = ("intent", "zip", "city", "property_type", "min_score", "min_value", "max_value")
TARGET_LISTS = frozenset({"zip", "property_type"})


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def subscriber_values(profile: SubscriberProfile) -> dict[str, Any]:
    """The form's values from the stored profile."""
    area = profile.service_area or {}
    center = area.get("center") or {}
    target = profile.target_criteria or {}
    values: dict[str, Any] = {
        "business_name": profile.business_name or "",
        "business_type": profile.business_type or "",
        "business_description": profile.business_description or "",
        "business_phone": profile.business_phone or "",
        "business_email": profile.business_email or "",
        "website_url": profile.website_url or "",
        "postal_address": profile.postal_address or "",
        "brand_voice": profile.brand_voice or "professional",
        "services": list(profile.services_offered or []),
        "zip_codes": ", ".join(area.get("zip_codes") or []),
        "center_lat": _plain(center.get("lat", "")),
        "center_lon": _plain(center.get("lon", "")),
        "radius_miles": _plain(area.get("radius_miles", "")),
    }
    for name in TARGET_FIELDS:
        value = target.get(name, "")
        values["target_" + name] = value if name == "property_type" else _joined(value)
    if not isinstance(values["target_property_type"], list):
        values["target_property_type"] = []
    return values


def _plain(value: Any) -> Any:
    """12.0 → "12": a stored number as a person would type it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _joined(value: Any) -> Any:
    return ", ".join(map(str, value)) if isinstance(value, list) else value


def _form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: _text(form, name)
        for name in (
            "business_name",
            "business_type",
            "business_description",
            "business_phone",
            "business_email",
            "website_url",
            "postal_address",
            "brand_voice",
            "zip_codes",
            "center_lat",
            "center_lon",
            "radius_miles",
        )
    }
    values["services"] = [str(item) for item in form.getlist("services")]
    for name in TARGET_FIELDS:
        key = "target_" + name
        values[key] = (
            [str(item) for item in form.getlist(key)]
            if name == "property_type"
            else _text(form, key)
        )
    return values


def _service_area(values: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    lat, lon, radius = values["center_lat"], values["center_lon"], values["radius_miles"]
    errors: dict[str, str] = {}
    if bool(lat) != bool(lon):
        missing = "center_lon" if lat else "center_lat"
        errors[missing] = _("Give both the latitude and the longitude of the centre.")
    area: dict[str, Any] = {"zip_codes": values["zip_codes"]}
    if lat and lon:
        area["center"] = {"lat": lat, "lon": lon}
    if radius:
        area["radius_miles"] = radius
    if not values["zip_codes"] and not (lat or lon or radius):
        return None, errors
    return area, errors


def _target(values: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any] | None:
    kept = {key: value for key, value in (stored or {}).items() if key not in TARGET_FIELDS}
    for name in TARGET_FIELDS:
        value = values["target_" + name]
        if not value:
            continue
        if name in TARGET_LISTS and isinstance(value, str):
            value = [part for part in value.replace(",", " ").split() if part]
        kept[name] = value
    return kept or None


# The page's names for the schema's fields, where they differ (errors are shown at the input).
_INPUT_OF = {
    "service_area.zip_codes": "zip_codes",
    "service_area.center.lat": "center_lat",
    "service_area.center.lon": "center_lon",
    "service_area.center": "center_lat",
    "service_area.radius_miles": "radius_miles",
    "services_offered": "services",
}


def _input_of(field: str) -> str:
    if field in _INPUT_OF:
        return _INPUT_OF[field]
    if field.startswith("target_criteria"):
        name = field.split(".")[1] if "." in field else "intent"
        return "target_" + name if name in TARGET_FIELDS else "target_criteria"
    return field


def _choices() -> dict[str, Any]:
    return {
        "business_types": BUSINESS_TYPES,
        "brand_voices": BRAND_VOICES,
        "categories": SERVICE_CATEGORIES,
        "intents": [intent.value for intent in Intent],
        "property_types": sorted(PROPERTY_TYPES),
        "property_type_name": property_type_name,
    }


async def _subscriber_page(
    request: Request,
    profile: SubscriberProfile,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    target = profile.target_criteria or {}
    context = {
        "profile": profile,
        "values": values or subscriber_values(profile),
        "errors": errors or {},
        "other_criteria": sorted(key for key in target if key not in TARGET_FIELDS),
        "max_logo_kb": request.app.state.settings.logo_max_bytes // 1024,
        **_choices(),
    }
    return render(request, "profiles/subscriber.html", context, status_code=status_code)


async def _homeowner_page(
    request: Request,
    db: DbSession,
    user: User,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    profile = await profiles.homeowner_profile(db, user)
    home = await profiles.matched_home(db, profile)
    if values is None:
        values = {
            "full_name": profile.full_name or "",
            "phone_number": profile.phone_number or "",
            "address": profile.address or "",
            "zip_code": profile.zip_code or "",
        }
    context = {"profile": profile, "home": home, "values": values, "errors": errors or {}}
    return render(request, "profiles/homeowner.html", context, status_code=status_code)


@router.get(PAGE)
async def profile_page(request: Request, user: ProfileOwner, db: DbSession) -> Response:
    if user.user_type == UserType.SUBSCRIBER:
        return await _subscriber_page(request, await profiles.subscriber_profile(db, user))
    return await _homeowner_page(request, db, user)


@router.post(PAGE)
async def save_profile(request: Request, user: ProfileOwner, db: DbSession) -> Response:
    form = await request.form()
    if user.user_type == UserType.HOMEOWNER:
        return await _save_homeowner(request, db, user, form)
    profile = await profiles.subscriber_profile(db, user)
    values = _form_values(form)
    area, errors = _service_area(values)
    body = {
        "business_name": values["business_name"],
        "business_type": values["business_type"],
        "business_description": values["business_description"],
        "business_phone": values["business_phone"],
        "business_email": values["business_email"],
        "website_url": values["website_url"],
        "postal_address": values["postal_address"],
        "brand_voice": values["brand_voice"],
        "services_offered": values["services"],
        "service_area": area,
        "target_criteria": _target(values, profile.target_criteria),
    }
    try:
        data = SubscriberProfileIn.model_validate(body)
        if errors:
            raise Invalid(next(iter(errors.values())))
        await profiles.update_subscriber_profile(db, user, data, now_new_york())
    except ValidationError as error:
        for field, message in field_errors(error).items():
            errors.setdefault(_input_of(field), message)
        return await _subscriber_page(request, profile, values, errors, 422)
    except DomainError as error:
        if error.field:
            errors.setdefault(_input_of(error.field), error.message)
        errors.setdefault("form", error.message)
        return await _subscriber_page(request, profile, values, errors, 422)
    return redirect_with_flash(request, PAGE, _("Your profile is saved."), "success")


async def _save_homeowner(request: Request, db: DbSession, user: User, form: FormData) -> Response:
    values = {
        name: _text(form, name) for name in ("full_name", "phone_number", "address", "zip_code")
    }
    try:
        data = HomeownerProfileIn.model_validate(values)
        await profiles.update_homeowner_profile(db, user, data)
    except ValidationError as error:
        return await _homeowner_page(request, db, user, values, field_errors(error), 422)
    except DomainError as error:
        errors = {error.field or "form": error.message}
        return await _homeowner_page(request, db, user, values, errors, 422)
    return redirect_with_flash(request, PAGE, _("Your profile is saved."), "success")


@router.post(PAGE + "/logo")
async def upload_logo(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    logo: Annotated[UploadFile | None, File()] = None,
) -> Response:
    limit = request.app.state.settings.logo_max_bytes
    data = await logo.read(limit + 1) if logo is not None else b""
    try:
        await profiles.replace_logo(db, user, storage_of(request), data, limit)
    except DomainError as error:
        profile = await profiles.subscriber_profile(db, user)
        errors = {"logo": error.message}
        return await _subscriber_page(request, profile, None, errors, 422)
    return redirect_with_flash(request, PAGE, _("Your logo is saved."), "success")


@router.post(PAGE + "/logo/delete")
async def delete_logo(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    await profiles.remove_logo(db, user, storage_of(request))
    return redirect_with_flash(request, PAGE, _("Your logo is removed."), "success")
