"""The demo subscribers get filled business profiles, so /profile is not empty on `make run`; a
second start changes nothing a subscriber edited since."""

from __future__ import annotations

import psycopg

from propintel.config import get_settings
from propintel.demo.accounts import DEMO_PROFILES, _ensure_accounts

SELECT = (
    "SELECT u.email, p.services_offered, p.service_area_geom IS NOT NULL, p.business_phone "
    "FROM subscriber_profiles p JOIN users u USING (user_id) ORDER BY u.email"
)


async def test_demo_subscribers_have_filled_profiles(import_url: str) -> None:
    await _ensure_accounts(get_settings(), import_url)
    with psycopg.connect(import_url) as conn:
        rows = {row[0]: row[1:] for row in conn.execute(SELECT)}
        assert set(DEMO_PROFILES) <= set(rows)
        for email in DEMO_PROFILES:
            services, has_circle, phone = rows[email]
            assert services and phone and phone.startswith("+1")
            assert has_circle == ("radius_miles" in DEMO_PROFILES[email]["service_area"])  # type: ignore[operator]
        conn.execute(
            "UPDATE subscriber_profiles SET services_offered = '[\"solar\"]' WHERE user_id = "
            "(SELECT user_id FROM users WHERE email = 'investor@demo.propintel.test')"
        )
    await _ensure_accounts(get_settings(), import_url)
    with psycopg.connect(import_url) as conn:
        rows = {row[0]: row[1:] for row in conn.execute(SELECT)}
        assert rows["investor@demo.propintel.test"][0] == ["solar"]
