"""The homeowner marketplace: jobs located and matched to contractors, bids charged and refunded,
one accepted bid per job, reviews with replies and moderation, contractor verification.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from propintel.db.sqlfiles import run_sql_script

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# docs/marketplace.md. The spec's tables keep their columns; what the marketplace needs on top:
# - a job's location (the matched property's point, else its ZIP's centre) for matching, and the
#   times of its moves (first look at the bids, completion, cancellation);
# - job_matches: the contractors a job was offered to (at most N, best rated first);
# - a bid's charge and refund, one bid per contractor and job, and at most one accepted bid per job
#   (a unique index, so two accepts at once cannot both win);
# - a review per job, the contractor's one reply, and moderation (hidden, with the reason);
# - a profile's verification state (the spec's `verified` stays the badge) and founding year.
UPGRADE = """
ALTER TABLE homeowner_jobs
  ADD COLUMN property_id UUID REFERENCES properties(property_id) ON DELETE SET NULL,
  ADD COLUMN location geography(Point, 4326),
  ADD COLUMN bids_viewed_at TIMESTAMP,
  ADD COLUMN completed_at TIMESTAMP,
  ADD COLUMN cancelled_at TIMESTAMP;
CREATE INDEX idx_homeowner_jobs_location ON homeowner_jobs USING GIST (location);

CREATE TABLE job_matches (
  job_id UUID NOT NULL REFERENCES homeowner_jobs(job_id) ON DELETE CASCADE,
  contractor_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  rank INTEGER NOT NULL,
  matched_at TIMESTAMP NOT NULL DEFAULT NOW(),
  PRIMARY KEY (job_id, contractor_id)
);
CREATE INDEX idx_job_matches_contractor ON job_matches (contractor_id, matched_at DESC);

ALTER TABLE job_bids
  ADD COLUMN usage_log_id UUID REFERENCES token_usage_logs(log_id),
  ADD COLUMN refunded_at TIMESTAMP,
  ADD COLUMN refund_reason VARCHAR(30),
  ADD COLUMN decided_at TIMESTAMP;
CREATE UNIQUE INDEX uq_job_bids_contractor ON job_bids (job_id, contractor_id);
CREATE UNIQUE INDEX uq_job_bids_accepted ON job_bids (job_id) WHERE status = 'accepted';

ALTER TABLE contractor_reviews
  ADD COLUMN reply_text TEXT,
  ADD COLUMN replied_at TIMESTAMP,
  ADD COLUMN hidden_at TIMESTAMP,
  ADD COLUMN hidden_reason TEXT,
  ADD COLUMN hidden_by UUID REFERENCES users(user_id);
CREATE UNIQUE INDEX uq_contractor_reviews_job ON contractor_reviews (job_id);

ALTER TABLE subscriber_profiles
  ADD COLUMN verification_status VARCHAR(20) NOT NULL DEFAULT 'none',
  ADD COLUMN verification_reason TEXT,
  ADD COLUMN verification_submitted_at TIMESTAMP,
  ADD COLUMN verified_at TIMESTAMP,
  ADD COLUMN verified_by UUID REFERENCES users(user_id),
  ADD COLUMN year_established INTEGER;
"""

DOWNGRADE = """
ALTER TABLE subscriber_profiles
  DROP COLUMN IF EXISTS year_established,
  DROP COLUMN IF EXISTS verified_by,
  DROP COLUMN IF EXISTS verified_at,
  DROP COLUMN IF EXISTS verification_submitted_at,
  DROP COLUMN IF EXISTS verification_reason,
  DROP COLUMN IF EXISTS verification_status;
DROP INDEX IF EXISTS uq_contractor_reviews_job;
ALTER TABLE contractor_reviews
  DROP COLUMN IF EXISTS hidden_by,
  DROP COLUMN IF EXISTS hidden_reason,
  DROP COLUMN IF EXISTS hidden_at,
  DROP COLUMN IF EXISTS replied_at,
  DROP COLUMN IF EXISTS reply_text;
DROP INDEX IF EXISTS uq_job_bids_accepted;
DROP INDEX IF EXISTS uq_job_bids_contractor;
ALTER TABLE job_bids
  DROP COLUMN IF EXISTS decided_at,
  DROP COLUMN IF EXISTS refund_reason,
  DROP COLUMN IF EXISTS refunded_at,
  DROP COLUMN IF EXISTS usage_log_id;
DROP TABLE IF EXISTS job_matches;
DROP INDEX IF EXISTS idx_homeowner_jobs_location;
ALTER TABLE homeowner_jobs
  DROP COLUMN IF EXISTS cancelled_at,
  DROP COLUMN IF EXISTS completed_at,
  DROP COLUMN IF EXISTS bids_viewed_at,
  DROP COLUMN IF EXISTS location,
  DROP COLUMN IF EXISTS property_id;
"""


def upgrade() -> None:
    run_sql_script(UPGRADE)


def downgrade() -> None:
    run_sql_script(DOWNGRADE)
