"""Firebase sign-in on the web: a verified Firebase identity becomes a PropIntel user.

The page signs in with the Firebase JS SDK and hands us the ID token; the caller verifies it
(``integrations.firebase.FirebaseVerifier``) and passes the identity here. The rules:

1. a user whose ``firebase_uid`` is the token's uid: that user;
2. else an account with the token's e-mail: linked (its ``firebase_uid`` becomes the real uid)
   only when Firebase says the e-mail is verified, so that nobody takes over an account by
   registering its address with Firebase; an unverified e-mail is refused and nothing changes.
   An account already linked to another Firebase user is not re-linked;
3. else a new account (a subscriber, or a homeowner when asked) with that uid and e-mail, its
   address proven only when the token says so, and no local password.

Suspended and erased accounts are refused. Local accounts hold ``local:<user_id>`` as their
``firebase_uid`` until linked; a Firebase uid of that shape is refused, so a token can never stand
for an account it was not linked to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import (
    LOCAL_UID_PREFIX,
    HomeownerProfile,
    Plan,
    SubscriberProfile,
    User,
    UserType,
    is_placeholder_uid,
)
from propintel.auth.repository import AuthRepository
from propintel.auth.service import SELF_SERVICE_TYPES, normalise_email
from propintel.integrations.firebase import FirebaseIdentity
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Forbidden, Invalid, NotAuthenticated
from propintel.kit.i18n import _


@dataclass(frozen=True)
class FirebaseSignIn:
    """The user a Firebase identity signed in as; ``created``: the account is new."""

    user: User
    created: bool = False
    linked: bool = False


async def sign_in_with_firebase(
    session: AsyncSession,
    identity: FirebaseIdentity,
    new_user_type: UserType = UserType.SUBSCRIBER,
) -> FirebaseSignIn:
    """The user ``identity`` (already verified) stands for, by the rules of this module.

    Every refusal is raised before anything is written."""
    if is_placeholder_uid(identity.uid):
        raise NotAuthenticated(_("This sign-in cannot be used with PropIntel."))
    if new_user_type not in SELF_SERVICE_TYPES:
        raise Invalid(_("Choose subscriber or homeowner."), field="user_type")
    repo = AuthRepository.from_session(session)
    now = now_new_york()

    user = await repo.user_by_firebase_uid(identity.uid)
    if user is not None:
        _refuse_if_closed(user)
        if (
            identity.email_verified
            and user.email_verified_at is None
            and _same_email(user, identity)
        ):
            user.email_verified_at = now  # proven with Firebase since the last sign-in
        await repo.touch_last_login(user, now)
        return FirebaseSignIn(user)

    if not identity.email:
        raise Invalid(
            _("Your sign-in has no e-mail address. Use an account with an e-mail address."),
            field="email",
        )
    email = normalise_email(identity.email)
    user = await repo.user_by_email(email)
    if user is not None:
        _refuse_if_closed(user)
        if not identity.email_verified:
            raise Forbidden(
                _(
                    "An account with this e-mail already exists. Verify your e-mail address "
                    "first, then sign in again, or log in with your password."
                ),
                field="email",
            )
        if not user.firebase_uid.startswith(LOCAL_UID_PREFIX):
            raise Conflict(
                _(
                    "This account is already linked to another sign-in. Use the sign-in you "
                    "used before, or log in with your password."
                ),
                field="email",
            )
        user.firebase_uid = identity.uid
        if user.email_verified_at is None:
            user.email_verified_at = now
        await repo.touch_last_login(user, now)
        return FirebaseSignIn(user, linked=True)

    user = await _create(repo, session, identity, email, new_user_type)
    await repo.touch_last_login(user, now)
    return FirebaseSignIn(user, created=True)


def _same_email(user: User, identity: FirebaseIdentity) -> bool:
    return bool(identity.email) and user.email.lower() == (identity.email or "").strip().lower()


def _refuse_if_closed(user: User) -> None:
    if user.erased_at is not None:
        raise NotAuthenticated(_("This account has been closed."))
    if user.suspended_at is not None:
        raise NotAuthenticated(_("This account is suspended."))


async def _create(
    repo: AuthRepository,
    session: AsyncSession,
    identity: FirebaseIdentity,
    email: str,
    user_type: UserType,
) -> User:
    """A new account for a Firebase user: no local password (password log-in simply fails)."""
    user_id = uuid.uuid4()
    user = User(
        user_id=user_id,
        email=email,
        firebase_uid=identity.uid,
        user_type=user_type,
        subscription_tier=Plan.NONE if user_type == UserType.SUBSCRIBER else None,
        email_verified_at=now_new_york() if identity.email_verified else None,
    )
    profile = (
        HomeownerProfile(user_id=user_id)
        if user_type == UserType.HOMEOWNER
        else SubscriberProfile(user_id=user_id)
    )
    try:
        await repo.add(user)
        await repo.add(profile)
    except IntegrityError as error:  # the same e-mail or uid signed in twice at once
        raise Conflict(_("This account was just created. Sign in again."), field="email") from error
    return user
