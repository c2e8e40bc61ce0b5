"""Demo accounts: one admin, one subscriber per plan, one homeowner.

These are development logins with published passwords: `make run` creates them (demo/accounts.py)
and prints them, and the log-in page shows them only when the environment is `development`.
"""

from __future__ import annotations

from propintel.auth.models import Plan, UserType
from propintel.auth.service import NewAccount
from propintel.kit.i18n import N_

DEMO_PASSWORD = "propintel-demo"  # noqa: S105 - a published development password
DEMO_ACCOUNTS = [
    (
        N_("Admin"),
        NewAccount("admin@demo.propintel.test", DEMO_PASSWORD, UserType.ADMIN, email_verified=True),
    ),
    (
        N_("Subscriber: contractor"),
        NewAccount(
            "contractor@demo.propintel.test",
            DEMO_PASSWORD,
            UserType.SUBSCRIBER,
            Plan.CONTRACTOR,
            "Sunshine Pools & Lawn",
            email_verified=True,
        ),
    ),
    (
        N_("Subscriber: investor"),
        NewAccount(
            "investor@demo.propintel.test",
            DEMO_PASSWORD,
            UserType.SUBSCRIBER,
            Plan.INVESTOR,
            "Biscayne Capital",
            email_verified=True,
        ),
    ),
    (
        N_("Subscriber: full"),
        NewAccount(
            "full@demo.propintel.test",
            DEMO_PASSWORD,
            UserType.SUBSCRIBER,
            Plan.FULL,
            "Dade Home Services",
            email_verified=True,
        ),
    ),
    (
        N_("Homeowner"),
        NewAccount(
            "homeowner@demo.propintel.test",
            DEMO_PASSWORD,
            UserType.HOMEOWNER,
            display_name="Ana Díaz",
            email_verified=True,
        ),
    ),
]


def demo_logins() -> list[dict[str, str]]:
    return [
        {"label": label, "email": account.email, "password": account.password}
        for label, account in DEMO_ACCOUNTS
    ]
