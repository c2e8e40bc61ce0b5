"""The sale summary on ``properties``, derived from the full history in ``property_sales``.

One rule for every importer that adds sales (NAL, SDF, PA points), so they never overwrite each
other: ``last_sale_price``/``last_sale_date`` are the latest arm's-length sale when there is one,
otherwise the latest recorded sale; ``sale_date`` is the latest arm's-length sale (the date the
new-homeowner rules count from). Arm's-length = DOR qualification code 01 or 02, or the PA
layer's qualified flag. A date known only to the month is the first of that month
(``sale_day_exact`` says which); the PA layer's exact day replaces it when the sale matches.
"""

from __future__ import annotations

from psycopg import sql

from propintel.ingest.runs import ImportContext

# DOR codes 01/02 are qualified sales; the PA layer's qualified flag is stored as ``Q``.
ARMS_LENGTH_CODES = ("01", "02", "Q")

REFRESH_SALE_SUMMARY = """
WITH touched AS (SELECT DISTINCT folio FROM {staging} WHERE reject_reason IS NULL),
summary AS (
  SELECT t.folio,
         latest.sale_price AS last_sale_price, latest.sale_date AS last_sale_date,
         arms.sale_date AS arms_length_date
  FROM touched t
  LEFT JOIN LATERAL (
    SELECT ps.sale_price, ps.sale_date FROM property_sales ps
    WHERE ps.folio_number = t.folio
    ORDER BY (ps.qualification_code = ANY(%(arms_length)s)) IS TRUE DESC, ps.sale_date DESC,
             ps.sale_price DESC NULLS LAST
    LIMIT 1
  ) latest ON TRUE
  LEFT JOIN LATERAL (
    SELECT max(ps.sale_date) AS sale_date FROM property_sales ps
    WHERE ps.folio_number = t.folio AND ps.qualification_code = ANY(%(arms_length)s)
  ) arms ON TRUE
)
UPDATE properties p
SET last_sale_price = s.last_sale_price, last_sale_date = s.last_sale_date,
    sale_date = s.arms_length_date, last_updated = now()
FROM summary s
WHERE p.folio_number = s.folio
  AND (p.last_sale_price, p.last_sale_date, p.sale_date)
      IS DISTINCT FROM (s.last_sale_price, s.last_sale_date, s.arms_length_date)
"""


def refresh_sale_summary(ctx: ImportContext, staging: sql.Identifier) -> int:
    """Recompute the summary of the properties whose folios are staged; returns rows changed."""
    query = sql.SQL(REFRESH_SALE_SUMMARY).format(staging=staging)
    changed = ctx.conn.execute(query, {"arms_length": list(ARMS_LENGTH_CODES)}).rowcount
    ctx.summary.extra["sale_summaries_changed"] = (
        ctx.summary.extra.get("sale_summaries_changed", 0) + changed
    )
    return changed
