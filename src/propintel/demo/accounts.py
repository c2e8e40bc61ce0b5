"""The demo on a development install: the demo accounts (auth/demo_accounts.py), created once,
idempotently, and on first start the synthetic Miami-Dade, imported and scored."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import knowledge, script_starters
from propintel.auth.demo_accounts import DEMO_ACCOUNTS, demo_logins
from propintel.auth.models import Plan, User
from propintel.auth.service import NewAccount, register, user_by_email
from propintel.catalog import service as catalog
from propintel.config import Settings
from propintel.db.engine import in_unit_of_work
from propintel.db.urls import database_url
from propintel.demo.cli import demo_progress
from propintel.demo.load import load_demo
from propintel.ingest.service import has_properties
from propintel.kit.clock import now_new_york
from propintel.profiles import service as profiles
from propintel.profiles.schemas import SubscriberProfileIn
from propintel.tokens import service as tokens

# The demo subscribers' business profiles, filled in once (while a profile has no services yet).
DEMO_PROFILES: dict[str, dict[str, object]] = {
    "contractor@demo.propintel.test": {
        "business_name": "Sunshine Pools & Lawn",
        "business_type": "contractor",
        "business_description": "Pool care, repairs and lawn service across South Miami-Dade.",
        "business_phone": "(305) 555-0142",
        "business_email": "hello@sunshinepools.example",
        "website_url": "https://sunshinepools.example",
        "postal_address": "12500 SW 152nd St, Suite 4\nMiami, FL 33177",
        "brand_voice": "friendly",
        "services_offered": ["pool", "lawn", "landscaping"],
        "service_area": {
            "zip_codes": ["33156", "33157", "33176"],
            "center": {"lat": 25.6687, "lon": -80.3250},
            "radius_miles": 8,
        },
        "target_criteria": {"intent": "new_homeowner", "pool": True},
    },
    "investor@demo.propintel.test": {
        "business_name": "Biscayne Capital",
        "business_type": "investor",
        "business_description": "We buy houses in any condition, cash, closing in two weeks.",
        "business_phone": "(786) 555-0190",
        "business_email": "offers@biscaynecapital.example",
        "postal_address": "PO Box 450127\nMiami, FL 33245",
        "brand_voice": "empathetic",
        "services_offered": ["real_estate_investing"],
        "service_area": {"center": {"lat": 25.7617, "lon": -80.1918}, "radius_miles": 25},
        "target_criteria": {"intent": "distressed", "min_score": 50},
    },
    "full@demo.propintel.test": {
        "business_name": "Dade Home Services",
        "business_type": "contractor",
        "business_description": "Roofing, impact windows and remodeling, licensed and insured.",
        "business_phone": "(305) 555-0177",
        "business_email": "office@dadehome.example",
        "website_url": "https://dadehome.example",
        "postal_address": "1680 Meridian Ave, Suite 302\nMiami Beach, FL 33139",
        "brand_voice": "professional",
        "services_offered": ["roofing", "windows_doors", "remodeling", "handyman"],
        "service_area": {"zip_codes": ["33139", "33140", "33141", "33154"]},
    },
}


# The starter library of each demo subscriber's trade (English), copied once when the account is
# made: the assistant's chat has a knowledge base and scripts to answer from on a fresh install.
DEMO_STARTERS: dict[str, str] = {
    "contractor@demo.propintel.test": "pool",
    "investor@demo.propintel.test": "investor",
    "full@demo.propintel.test": "roofing",
}


async def _copy_starters(session: AsyncSession, user: User) -> None:
    trade = DEMO_STARTERS.get(user.email)
    if trade is not None:
        await knowledge.copy_starters(session, user.user_id, trade, "en", now=now_new_york())
        await script_starters.copy_starters(session, user, trade, "en")


async def _grant_plan_allowance(session: AsyncSession, user: User, account: NewAccount) -> None:
    """A new demo subscriber starts with its plan's monthly credits, as a paid invoice would
    give them (a ledger transaction, so the balance reconciles): the paid actions (owner contact,
    texts, e-mails) can be tried at once."""
    if account.plan == Plan.NONE:
        return
    plans = {p.plan_name: p for p in await catalog.active_plans(session)}
    plan = plans.get(account.plan)
    if plan is not None and plan.base_tokens_monthly > 0:
        monthly = plan.base_tokens_monthly
        description = f"Demo: the {plan.plan_name} plan's monthly credits"
        await tokens.grant_plan_allowance(session, user.user_id, monthly, description)


async def _ensure_accounts(settings: Settings, url: str) -> None:
    async def ensure(session: AsyncSession) -> None:
        for _, account in DEMO_ACCOUNTS:
            user = await user_by_email(session, account.email)
            new = user is None
            if user is None:
                user = await register(session, settings, account)
                await _grant_plan_allowance(session, user, account)
            if account.email in DEMO_PROFILES:
                profile = await profiles.subscriber_profile(session, user)
                # Filled in once; a demo made before profiles had a postal address gets one.
                if not profile.services_offered or not profile.postal_address:
                    data = SubscriberProfileIn.model_validate(DEMO_PROFILES[account.email])
                    await profiles.update_subscriber_profile(session, user, data, now_new_york())
            if new:  # after the profile: the starter scripts are copied in its brand voice
                await _copy_starters(session, user)

    await in_unit_of_work(url, ensure)


def ensure_demo_data(settings: Settings, console: Console) -> list[dict[str, str]]:
    """Demo accounts, and on first start (no properties yet) the synthetic Miami-Dade, imported
    and scored, with a progress bar on ``console``."""
    url = database_url(settings)
    asyncio.run(_ensure_accounts(settings, url))
    if not has_properties(url):
        console.print(
            f"First start: generating, importing and scoring a synthetic Miami-Dade of "
            f"{settings.demo_parcels:,} parcels (about a minute)."
        )
        with (
            tempfile.TemporaryDirectory(prefix="propintel-demo-") as workdir,
            demo_progress(console) as on_step,
        ):
            load_demo(url, Path(workdir), settings.demo_parcels, on_step=on_step)
    return demo_logins()
