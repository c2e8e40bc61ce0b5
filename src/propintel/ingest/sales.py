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

# The summary of the staged folios' sales, as CTEs ``touched`` and ``sale_summary`` (columns
# folio_number, last_sale_price, last_sale_date, arms_length_date), for an UPDATE or an upsert.
SALE_SUMMARY_CTES = """
touched AS (SELECT DISTINCT folio FROM {staging} WHERE reject_reason IS NULL),
sales AS (
  SELECT ps.folio_number, ps.sale_price, ps.sale_date,
         ps.qualification_code = ANY(%(arms_length)s) IS TRUE AS arms_length
  FROM property_sales ps JOIN touched t ON t.folio = ps.folio_number
),
sale_summary AS (
  SELECT folio_number,
         (array_agg(sale_price ORDER BY arms_length DESC, sale_date DESC,
                    sale_price DESC NULLS LAST))[1] AS last_sale_price,
         (array_agg(sale_date ORDER BY arms_length DESC, sale_date DESC,
                    sale_price DESC NULLS LAST))[1] AS last_sale_date,
         max(sale_date) FILTER (WHERE arms_length) AS arms_length_date
  FROM sales GROUP BY folio_number
)"""

REFRESH_SALE_SUMMARY = (
    "WITH"
    + SALE_SUMMARY_CTES
    + """
UPDATE properties p
SET last_sale_price = s.last_sale_price, last_sale_date = s.last_sale_date,
    sale_date = s.arms_length_date, last_updated = now()
FROM sale_summary s
WHERE p.folio_number = s.folio_number
  AND (p.last_sale_price, p.last_sale_date, p.sale_date)
      IS DISTINCT FROM (s.last_sale_price, s.last_sale_date, s.arms_length_date)
"""
)
SUMMARY_PARAMS = {"arms_length": list(ARMS_LENGTH_CODES)}


def refresh_sale_summary(ctx: ImportContext, staging: sql.Identifier) -> int:
    """Recompute the summary of the properties whose folios are staged; returns rows changed."""
    query = sql.SQL(REFRESH_SALE_SUMMARY).format(staging=staging)
    changed = ctx.conn.execute(query, SUMMARY_PARAMS).rowcount
    ctx.summary.extra["sale_summaries_changed"] = (
        ctx.summary.extra.get("sale_summaries_changed", 0) + changed
    )
    return changed
