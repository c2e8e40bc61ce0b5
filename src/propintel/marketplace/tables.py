"""The marketplace's tables: the spec's ``homeowner_jobs``, ``job_bids`` and ``contractor_reviews``
with revision 0022's columns, ``job_matches``, and the columns of other tables it reads (the
verification state of ``subscriber_profiles``, the point of ``properties``), for Core statements."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    FetchedValue,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    column,
    table,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.types import NullType

from propintel.db.base import Base

jobs = Table(
    "homeowner_jobs",
    Base.metadata,
    Column("job_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("homeowner_id", UUID(as_uuid=True)),
    Column("job_title", String(255)),
    Column("job_description", Text),
    Column("service_category", String(100)),
    Column("budget_range", String(50)),
    Column("address", Text),
    Column("zip_code", String(10)),
    Column("preferred_timeline", String(50)),
    Column("photos", JSONB),
    Column("status", String(20), server_default=FetchedValue()),
    Column("created_at", DateTime, server_default=FetchedValue()),
    Column("updated_at", DateTime, server_default=FetchedValue()),
    # revision 0022
    Column("property_id", UUID(as_uuid=True)),
    Column("location", NullType),  # geography(Point): written and read through PostGIS calls
    Column("bids_viewed_at", DateTime),
    Column("completed_at", DateTime),
    Column("cancelled_at", DateTime),
)

matches = Table(
    "job_matches",
    Base.metadata,
    Column("job_id", UUID(as_uuid=True), primary_key=True),
    Column("contractor_id", UUID(as_uuid=True), primary_key=True),
    Column("rank", Integer),
    Column("matched_at", DateTime, server_default=FetchedValue()),
)

bids = Table(
    "job_bids",
    Base.metadata,
    Column("bid_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("job_id", UUID(as_uuid=True)),
    Column("contractor_id", UUID(as_uuid=True)),
    Column("bid_amount", Numeric(10, 2)),
    Column("bid_message", Text),
    Column("estimated_timeline", String(50)),
    Column("status", String(20), server_default=FetchedValue()),
    Column("created_at", DateTime, server_default=FetchedValue()),
    # revision 0022
    Column("usage_log_id", UUID(as_uuid=True)),
    Column("refunded_at", DateTime),
    Column("refund_reason", String(30)),
    Column("decided_at", DateTime),
)

reviews = Table(
    "contractor_reviews",
    Base.metadata,
    Column("review_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("contractor_id", UUID(as_uuid=True)),
    Column("homeowner_id", UUID(as_uuid=True)),
    Column("job_id", UUID(as_uuid=True)),
    Column("rating", Integer),
    Column("review_text", Text),
    Column("google_place_id", String(255)),
    Column("created_at", DateTime, server_default=FetchedValue()),
    # revision 0022
    Column("reply_text", Text),
    Column("replied_at", DateTime),
    Column("hidden_at", DateTime),
    Column("hidden_reason", Text),
    Column("hidden_by", UUID(as_uuid=True)),
)

# Read only: which contractors may be offered a job, and how they show on a bid.
contractor_profiles = table(
    "subscriber_profiles",
    column("user_id", UUID(as_uuid=True)),
    column("business_name", String(255)),
    column("services_offered", JSONB),
    column("verified", Boolean),
    column("year_established", Integer),
    column("business_logo_url", Text),
)

users = table(
    "users",
    column("user_id", UUID(as_uuid=True)),
    column("user_type", String(20)),
    column("subscription_tier", String(20)),
    column("subscription_status", String(20)),
    column("suspended_at", DateTime),
    column("erased_at", DateTime),
)

properties = table(
    "properties",
    column("property_id", UUID(as_uuid=True)),
    column("zip_code", String(10)),
    column("location", NullType),
)
