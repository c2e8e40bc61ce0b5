"""Profile API: the caller's own profile (a subscriber's business or a homeowner's home), read,
replaced as a whole (PUT; 422 names each refused field), and a subscriber's logo upload."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from propintel.auth.deps import SubscriberUser, require_user
from propintel.auth.models import HomeownerProfile, SubscriberProfile, User, UserType
from propintel.db.session import DbSession
from propintel.integrations.storage import FileStorage
from propintel.kit.clock import now_new_york
from propintel.profiles import service as profiles
from propintel.profiles.schemas import (
    HomeownerProfileIn,
    HomeownerProfileOut,
    LogoOut,
    MatchedProperty,
    SubscriberProfileIn,
    SubscriberProfileOut,
)

router = APIRouter(prefix="/api/v1/profile", tags=["profile"])
ProfileOwner = Annotated[User, Depends(require_user(UserType.SUBSCRIBER, UserType.HOMEOWNER))]
ProfileOut = SubscriberProfileOut | HomeownerProfileOut


def storage_of(request: Request) -> FileStorage:
    storage: FileStorage = request.app.state.file_storage
    return storage


def subscriber_out(profile: SubscriberProfile) -> SubscriberProfileOut:
    return SubscriberProfileOut(
        profile_id=profile.profile_id,
        business_name=profile.business_name,
        business_type=profile.business_type,
        business_description=profile.business_description,
        business_logo_url=profile.business_logo_url,
        business_phone=profile.business_phone,
        business_email=profile.business_email,
        website_url=profile.website_url,
        postal_address=profile.postal_address,
        brand_voice=profile.brand_voice,
        services_offered=list(profile.services_offered or []),
        service_area=profile.service_area,
        target_criteria=profile.target_criteria,
        verified=bool(profile.verified),
        updated_at=profile.updated_at,
    )


async def homeowner_out(db: DbSession, profile: HomeownerProfile) -> HomeownerProfileOut:
    home = await profiles.matched_home(db, profile)
    return HomeownerProfileOut(
        profile_id=profile.profile_id,
        full_name=profile.full_name,
        phone_number=profile.phone_number,
        address=profile.address,
        zip_code=profile.zip_code,
        property=MatchedProperty(
            property_id=home.property_id, full_address=home.full_address, zip_code=home.zip_code
        )
        if home
        else None,
    )


@router.get("", response_model=ProfileOut)
async def get_profile(user: ProfileOwner, db: DbSession) -> ProfileOut:
    """The caller's profile: ``kind`` says which (``subscriber`` or ``homeowner``)."""
    if user.user_type == UserType.SUBSCRIBER:
        return subscriber_out(await profiles.subscriber_profile(db, user))
    return await homeowner_out(db, await profiles.homeowner_profile(db, user))


def _validated(model: type[SubscriberProfileIn] | type[HomeownerProfileIn], body: Any) -> Any:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**item, "loc": ("body", *item["loc"])} for item in error.errors(include_url=False)]
        ) from error


@router.put("", response_model=ProfileOut)
async def put_profile(
    user: ProfileOwner, db: DbSession, body: Annotated[dict[str, Any], Body()]
) -> ProfileOut:
    """Replace the caller's profile; a field left out is cleared. A subscriber sends
    ``SubscriberProfileIn`` fields (business_*, website_url, brand_voice, services_offered,
    service_area, target_criteria), a homeowner ``HomeownerProfileIn`` fields (full_name,
    phone_number, address, zip_code); any other field is refused."""
    if user.user_type == UserType.SUBSCRIBER:
        data = _validated(SubscriberProfileIn, body)
        profile = await profiles.update_subscriber_profile(db, user, data, now_new_york())
        return subscriber_out(profile)
    home = await profiles.update_homeowner_profile(db, user, _validated(HomeownerProfileIn, body))
    return await homeowner_out(db, home)


@router.post("/logo", response_model=LogoOut)
async def upload_logo(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    file: Annotated[UploadFile, File(description="PNG, JPEG or WebP")],
) -> LogoOut:
    """Upload the business logo (multipart field ``file``), checked by its content; it replaces
    the previous one."""
    limit = request.app.state.settings.logo_max_bytes
    data = await file.read(limit + 1)
    profile = await profiles.replace_logo(db, user, storage_of(request), data, limit)
    assert profile.business_logo_url is not None
    return LogoOut(business_logo_url=profile.business_logo_url)


@router.delete("/logo", status_code=204)
async def delete_logo(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    await profiles.remove_logo(db, user, storage_of(request))
    return Response(status_code=204)
