"""Columns of other tables that profiles read (declared here, with only the columns it uses):
the generated service-area shape (revision 0017; not on the ORM class, the database writes it) and
the properties a homeowner's address is matched against."""

from __future__ import annotations

from sqlalchemy import String, Text, column, table
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.types import NullType

service_areas = table(
    "subscriber_profiles",
    column("profile_id", UUID(as_uuid=True)),
    column("user_id", UUID(as_uuid=True)),
    column("service_area", JSONB),
    column("service_area_geom", NullType),
)

properties = table(
    "properties",
    column("property_id", UUID(as_uuid=True)),
    column("full_address", Text),
    column("zip_code", String(10)),
    column("address_key", Text),
)
