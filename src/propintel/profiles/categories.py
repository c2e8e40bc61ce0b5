"""The fixed lists a profile chooses from: service categories (shared with the marketplace: a job
names one of these slugs, a subscriber offers some of them), business types and brand voices.

Slugs are stored (``subscriber_profiles.services_offered``, ``business_type``, ``brand_voice``)
and never change; labels are English message ids, translated where they are shown (``_(label)``).
A new category is a new slug at the end; a slug is never renamed or reused.
"""

from __future__ import annotations

from typing import Final

from propintel.kit.i18n import N_

SERVICE_CATEGORIES: Final[dict[str, str]] = {
    "pool": N_("Pool service and repair"),
    "lawn": N_("Lawn care"),
    "landscaping": N_("Landscaping"),
    "hvac": N_("Heating and air conditioning (HVAC)"),
    "roofing": N_("Roofing"),
    "plumbing": N_("Plumbing"),
    "electrical": N_("Electrical"),
    "pest_control": N_("Pest control"),
    "painting": N_("Painting"),
    "solar": N_("Solar"),
    "windows_doors": N_("Windows and doors (hurricane impact)"),
    "handyman": N_("Handyman"),
    "cleaning": N_("Cleaning"),
    "fencing": N_("Fencing"),
    "flooring": N_("Flooring"),
    "remodeling": N_("Remodeling"),
    "kitchen_bath": N_("Kitchen and bath"),
    "moving": N_("Moving"),
    "security": N_("Security systems"),
    "home_inspection": N_("Home inspection"),
    "insurance": N_("Insurance"),
    "mortgage": N_("Mortgage and financing"),
    "real_estate_investing": N_("Real-estate investing (buying homes)"),
    "real_estate_agent": N_("Real-estate agent services"),
}

BUSINESS_TYPES: Final[dict[str, str]] = {
    "contractor": N_("Contractor or home-service company"),
    "investor": N_("Real-estate investor"),
    "agent": N_("Real-estate agent or broker"),
    "lender": N_("Lender or insurer"),
    "property_manager": N_("Property manager"),
    "other": N_("Other"),
}

BRAND_VOICES: Final[dict[str, str]] = {
    "professional": N_("Professional"),
    "friendly": N_("Friendly"),
    "casual": N_("Casual"),
    "luxury": N_("Luxury"),
    "direct": N_("Direct and brief"),
    "empathetic": N_("Empathetic"),
}
DEFAULT_BRAND_VOICE: Final = "professional"  # the spec's column default
