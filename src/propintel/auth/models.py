"""ORM models of the user-management tables (spec section 1) and local accounts (revision 0002)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from propintel.db.base import Base


class UserType(enum.StrEnum):
    SUBSCRIBER = "subscriber"
    HOMEOWNER = "homeowner"
    ADMIN = "admin"


class Plan(enum.StrEnum):
    """Subscription tiers; ``none`` is the spec's value for a subscriber without a plan."""

    NONE = "none"
    CONTRACTOR = "contractor"
    INVESTOR = "investor"
    FULL = "full"


# Our own values of ``users.firebase_uid`` (the column is NOT NULL and unique) for accounts no
# Firebase user owns: a local password account, an erased account. No Firebase uid may match them.
LOCAL_UID_PREFIX = "local:"
ERASED_UID_PREFIX = "erased:"


def local_uid(user_id: uuid.UUID) -> str:
    return f"{LOCAL_UID_PREFIX}{user_id}"


def erased_uid(user_id: uuid.UUID) -> str:
    return f"{ERASED_UID_PREFIX}{user_id}"


def is_placeholder_uid(uid: str) -> bool:
    """Is ``uid`` one of our own placeholders rather than a Firebase user's uid?"""
    return uid.startswith((LOCAL_UID_PREFIX, ERASED_UID_PREFIX))


class User(Base):
    __tablename__ = "users"

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("uuid_generate_v4()")
    )
    email: Mapped[str] = mapped_column(String(255), unique=True)
    firebase_uid: Mapped[str] = mapped_column(String(255), unique=True)
    user_type: Mapped[str] = mapped_column(String(20))
    subscription_tier: Mapped[str | None] = mapped_column(String(20))
    subscription_status: Mapped[str | None] = mapped_column(String(20))
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255))
    token_balance: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))
    token_preferences: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime | None] = mapped_column(server_default=text("now()"))
    last_login: Mapped[datetime | None]
    # Revision 0006: a suspended account cannot log in, use its sessions or spend tokens.
    suspended_at: Mapped[datetime | None]
    # Revision 0016: a proven address (may spend credits), the chosen language, an erased account.
    email_verified_at: Mapped[datetime | None]
    preferred_locale: Mapped[str | None] = mapped_column(String(5))
    erased_at: Mapped[datetime | None]

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_admin(self) -> bool:
        return self.user_type == UserType.ADMIN

    @property
    def has_active_plan(self) -> bool:
        return self.subscription_status in (
            "active",
            "trialing",
        ) and self.subscription_tier not in (
            None,
            Plan.NONE,
        )


class SubscriberProfile(Base):
    __tablename__ = "subscriber_profiles"

    profile_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("uuid_generate_v4()")
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE")
    )
    business_name: Mapped[str | None] = mapped_column(String(255))
    business_type: Mapped[str | None] = mapped_column(String(100))
    # Written by the profiles domain (profiles/service.py): what the subscriber entered; the
    # PostGIS shape of the area (service_area_geom, revision 0017) is generated from it.
    service_area: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    services_offered: Mapped[list[str] | None] = mapped_column(JSONB)
    target_criteria: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    brand_voice: Mapped[str | None] = mapped_column(
        String(50), server_default=text("'professional'::character varying")
    )
    verified: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    business_logo_url: Mapped[str | None] = mapped_column(Text)
    business_description: Mapped[str | None] = mapped_column(Text)
    website_url: Mapped[str | None] = mapped_column(Text)
    business_phone: Mapped[str | None] = mapped_column(String(20))
    business_email: Mapped[str | None] = mapped_column(String(255))
    # Revision 0018: the postal address every e-mail to an owner shows (CAN-SPAM).
    postal_address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(server_default=text("now()"))
    updated_at: Mapped[datetime | None] = mapped_column(server_default=text("now()"))


class HomeownerProfile(Base):
    __tablename__ = "homeowner_profiles"

    profile_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("uuid_generate_v4()")
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE")
    )
    full_name: Mapped[str | None] = mapped_column(String(255))
    phone_number: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(Text)
    zip_code: Mapped[str | None] = mapped_column(String(10))
    # The property the address matched (revision 0017; profiles/service.py), else NULL.
    property_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime | None] = mapped_column(server_default=text("now()"))


class LocalCredential(Base):
    __tablename__ = "local_credentials"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True
    )
    password_hash: Mapped[str] = mapped_column(Text)
    password_changed_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class SessionKind(enum.StrEnum):
    WEB = "web"
    API = "api"


class AuthSession(Base):
    """A web session or an API token; only the SHA-256 of the secret is stored."""

    __tablename__ = "auth_sessions"

    session_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("uuid_generate_v4()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Revision 0016: what the security page shows of it.
    name: Mapped[str | None] = mapped_column(String(100))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    last_seen_at: Mapped[datetime | None]


class LinkPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a link purpose, not a password


class AccountLink(Base):
    """A single-use e-mail link (verification, password reset); only the secret's hash is kept."""

    __tablename__ = "account_links"

    link_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("uuid_generate_v4()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(255))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginAttempt(Base):
    __tablename__ = "login_attempts"

    attempt_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(255))
    ip_address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    attempted_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class AccountRequest(Base):
    """One request for an account e-mail, counted to rate-limit them (``subject``: an address or
    a network address)."""

    __tablename__ = "account_requests"

    request_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(255))
    requested_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
