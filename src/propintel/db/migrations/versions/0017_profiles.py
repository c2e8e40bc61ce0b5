"""Profiles: a subscriber's service area as a PostGIS shape and an indexed ZIP list; a homeowner's
matched property.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# subscriber_profiles.service_area (the spec's JSONB) keeps what the subscriber entered:
# {"zip_codes": [...], "center": {"lat": .., "lon": ..}, "radius_miles": ..}. The circle is derived
# from it by the database itself (a stored generated column, so it can never disagree with the
# JSON): the centre buffered as geography by the radius in metres (a 32-sided polygon inscribed in
# the circle), NULL without a radius. A GiST index answers "which areas cover this point"; the
# ZIP list is answered by a GIN index over the JSON array (docs/decisions/0008-service-area.md).
# homeowner_profiles.property_id: the property the homeowner's address matched (the importers'
# street key and ZIP), NULL when none or several match; the property may be deleted later.
UPGRADE = """
ALTER TABLE subscriber_profiles
  ADD COLUMN service_area_geom geometry(MultiPolygon, 4326) GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof(service_area -> 'center') = 'object'
              AND jsonb_typeof(service_area -> 'radius_miles') = 'number'
    THEN ST_Multi(ST_Buffer(
      ST_SetSRID(ST_MakePoint((service_area -> 'center' ->> 'lon')::float8,
                              (service_area -> 'center' ->> 'lat')::float8), 4326)::geography,
      (service_area ->> 'radius_miles')::float8 * 1609.344)::geometry)
    END) STORED;
CREATE INDEX idx_subscriber_profiles_service_area_geom
  ON subscriber_profiles USING GIST (service_area_geom);
CREATE INDEX idx_subscriber_profiles_service_area_zips
  ON subscriber_profiles USING GIN ((service_area -> 'zip_codes') jsonb_path_ops);

ALTER TABLE homeowner_profiles
  ADD COLUMN property_id UUID REFERENCES properties(property_id) ON DELETE SET NULL;
CREATE INDEX idx_homeowner_profiles_property_id ON homeowner_profiles (property_id);
"""

DOWNGRADE = """
DROP INDEX IF EXISTS idx_homeowner_profiles_property_id;
ALTER TABLE homeowner_profiles DROP COLUMN IF EXISTS property_id;
DROP INDEX IF EXISTS idx_subscriber_profiles_service_area_zips;
DROP INDEX IF EXISTS idx_subscriber_profiles_service_area_geom;
ALTER TABLE subscriber_profiles DROP COLUMN IF EXISTS service_area_geom;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
