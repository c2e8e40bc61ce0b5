"""The queries of the audit trail (``admin_audit_logs``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping, insert, text

from propintel.audit.tables import admin_audit_logs
from propintel.db.repository import Repository

# The trail names what each entry changed: each target table is joined only for its own entries
# (by primary key), so one query names every entry of the page whatever it changed. This read
# model is the one place outside a domain that reads those tables (by key, for a name), and stays
# SQL: Core would only obscure its joins by entity.
_PAGE = text(
    """
    SELECT l.log_id, COALESCE(l.timestamp, 'epoch') AS timestamp, l.admin_user_id,
           u.email AS admin_email, l.action, l.target_entity, l.target_id, l.changes,
           CASE l.target_entity
             WHEN 'users' THEN target_user.email
             WHEN 'subscription_plans' THEN plan.plan_name
             WHEN 'token_bundles' THEN bundle.bundle_name
             WHEN 'intent_indicators' THEN indicator.indicator_name
             WHEN 'ai_cost_config' THEN cost.service_name
             WHEN 'token_pricing' THEN l.changes->>'key'
             WHEN 'procrastinate_jobs'
               THEN COALESCE(l.changes->'after'->>'filename', l.changes->'after'->>'task_name')
           END AS target_name
    FROM admin_audit_logs l
    LEFT JOIN users u ON u.user_id = l.admin_user_id
    LEFT JOIN users target_user
      ON l.target_entity = 'users' AND target_user.user_id = l.target_id
    LEFT JOIN subscription_plans plan
      ON l.target_entity = 'subscription_plans' AND plan.plan_id = l.target_id
    LEFT JOIN token_bundles bundle
      ON l.target_entity = 'token_bundles' AND bundle.bundle_id = l.target_id
    LEFT JOIN intent_indicators indicator
      ON l.target_entity = 'intent_indicators' AND indicator.indicator_id = l.target_id
    LEFT JOIN ai_cost_config cost
      ON l.target_entity = 'ai_cost_config' AND cost.config_id = l.target_id
    WHERE (CAST(:admin_user_id AS uuid) IS NULL OR l.admin_user_id = :admin_user_id)
      AND (CAST(:action AS text) IS NULL OR l.action = :action)
      AND (CAST(:entity AS text) IS NULL OR l.target_entity = :entity)
      AND (CAST(:start AS timestamp) IS NULL OR l.timestamp >= :start)
      AND (CAST(:end AS timestamp) IS NULL OR l.timestamp < :end)
      AND (CAST(:after_at AS timestamp) IS NULL
           OR (COALESCE(l.timestamp, 'epoch'), l.log_id)
              < (CAST(:after_at AS timestamp), CAST(:after_id AS uuid)))
    ORDER BY COALESCE(l.timestamp, 'epoch') DESC, l.log_id DESC
    LIMIT :limit
    """
)

_OPTIONS = text(
    """
    SELECT 'admin' AS kind, CAST(l.admin_user_id AS text) AS value, MIN(u.email) AS label
      FROM admin_audit_logs l JOIN users u ON u.user_id = l.admin_user_id GROUP BY l.admin_user_id
    UNION ALL
    SELECT 'action', action, action FROM admin_audit_logs WHERE action IS NOT NULL GROUP BY action
    UNION ALL
    SELECT 'entity', target_entity, target_entity FROM admin_audit_logs
      WHERE target_entity IS NOT NULL GROUP BY target_entity
    """
)


class AuditRepository(Repository):
    async def insert(
        self,
        admin_user_id: uuid.UUID,
        action: str,
        entity: str,
        entity_id: uuid.UUID | None,
        changes: Mapping[str, Any],
    ) -> uuid.UUID:
        statement = (
            insert(admin_audit_logs)
            .values(
                admin_user_id=admin_user_id,
                action=action,
                target_entity=entity,
                target_id=entity_id,
                changes=changes,
            )
            .returning(admin_audit_logs.c.log_id)
        )
        log_id: uuid.UUID = (await self.session.execute(statement)).scalar_one()
        return log_id

    async def page(self, params: Mapping[str, Any]) -> list[RowMapping]:
        """Entries matching the filters in ``params``, newest first, after the cursor's key."""
        return list((await self.session.execute(_PAGE, dict(params))).mappings())

    async def filter_options(self) -> list[RowMapping]:
        return list((await self.session.execute(_OPTIONS)).mappings())
