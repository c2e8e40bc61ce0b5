"""Plan features as admins edit them: one checkbox per feature PropIntel knows.

The known features are the keys the spec's seeded ``subscription_plans.features`` use, and the
outreach ones revision 0018 seeds. Lead search enforces the three ``*_leads`` ones
(``search/service.py``); everything else asks ``service.has_feature`` / ``require_feature``.
The API still takes any JSON object of ``name: true|false``, so a plan
may carry keys this list does not know: the form shows them read-only and keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from propintel.kit.i18n import N_, gettext


@dataclass(frozen=True)
class PlanFeature:
    key: str
    label: str  # English message ids: ``shown_label`` and ``shown_description`` translate
    description: str

    @property
    def shown_label(self) -> str:
        return gettext(self.label)

    @property
    def shown_description(self) -> str:
        return gettext(self.description)


PLAN_FEATURES = (
    PlanFeature(
        "new_homeowner_leads",
        N_("New-homeowner leads"),
        N_("Search recent buyers of homes: the contractor plan's leads."),
    ),
    PlanFeature(
        "distressed_leads",
        N_("Distressed-property leads"),
        N_(
            "Search properties scored by distress (tax liens, foreclosures, code violations, "
            "probate…): the investor plan's leads."
        ),
    ),
    PlanFeature(
        "fsbo_leads",
        N_("FSBO listings"),
        N_("Search for-sale-by-owner listings, stale ones flagged."),
    ),
    PlanFeature(
        "ai_chat",
        N_("AI chat"),
        N_("The AI assistant chat; every 1,000 LLM tokens is charged in credits."),
    ),
    PlanFeature(
        "ai_voice",
        N_("AI voice calls"),
        N_("AI voice calls to leads; every started 3 minutes is charged in credits."),
    ),
    PlanFeature(
        "contact_unlock",
        N_("Owner contact unlock"),
        N_("Skip trace: an owner's phones and e-mails, charged in credits per match."),
    ),
    PlanFeature(
        "sms",
        N_("SMS to owners"),
        N_("Text owners from scripts, with replies in the lead's conversation; per message."),
    ),
    PlanFeature(
        "email_sequences",
        N_("E-mail sequences"),
        N_("One-off e-mails and multi-step sequences to owners, with open and reply tracking."),
    ),
    PlanFeature(
        "crm_sync",
        N_("CRM sync"),
        N_("Push saved leads to a Twenty CRM workspace, with stages and notes kept in step."),
    ),
)
FEATURE_LABELS = {feature.key: feature.label for feature in PLAN_FEATURES}

# What the three plans include of the features the spec's seed rows predate (the seed rows stay as
# the spec writes them): a plan's stored key wins, so an admin's choice overrides the default.
# docs/outreach.md has the matrix.
DEFAULT_FEATURES: dict[str, dict[str, bool]] = {
    "contractor": {"contact_unlock": True, "sms": True, "email_sequences": True, "crm_sync": False},
    "investor": {"contact_unlock": True, "sms": True, "email_sequences": True, "crm_sync": True},
    "full": {"contact_unlock": True, "sms": True, "email_sequences": True, "crm_sync": True},
}


def field_name(column: str, key: str) -> str:
    """The form field of one feature's checkbox, e.g. ``features.ai_chat``."""
    return f"{column}.{key}"


def features_from_form(
    form: Mapping[str, Any], column: str, stored: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The features a form asks for (a ticked box is a field present in the form).

    Keys the form does not show are kept as ``stored``. A known feature left unticked is written
    as ``false`` only if the plan had it or the plan is new (``stored`` is None), so saving an
    unchanged form changes nothing."""
    features = dict(stored or {})
    for feature in PLAN_FEATURES:
        ticked = field_name(column, feature.key) in form
        if ticked or stored is None or feature.key in features:
            features[feature.key] = ticked
    return features


def features_as_form(column: str, features: Mapping[str, Any] | None) -> dict[str, str]:
    """A stored features object as the fields of a ticked form (what ``features_from_form``
    reads back)."""
    return {
        field_name(column, feature.key): "on"
        for feature in PLAN_FEATURES
        if (features or {}).get(feature.key) is True
    }


def feature_summary(features: Mapping[str, Any] | None) -> tuple[list[str], list[str]]:
    """The names of the features a plan includes and of those it lists as not included: known
    features by label (in the current locale) in their order, then other keys as they are."""
    stored = features or {}
    keys = [f.key for f in PLAN_FEATURES if f.key in stored] + sorted(
        key for key in stored if key not in FEATURE_LABELS
    )
    names = [
        (gettext(FEATURE_LABELS[key]) if key in FEATURE_LABELS else key, stored[key] is True)
        for key in keys
    ]
    return [name for name, on in names if on], [name for name, on in names if not on]


def unknown_features(features: Mapping[str, Any] | None) -> list[tuple[str, Any]]:
    """The keys of a stored features object that are not known features, with their values."""
    return sorted(
        (key, value) for key, value in (features or {}).items() if key not in FEATURE_LABELS
    )
