"""What a catalog form says about a field it refuses: a short instruction in the reader's language
(English and Spanish), for whatever text was typed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propintel.catalog.pages import FormErrors, parse_form
from propintel.catalog.tables import CATALOGS, Catalog
from propintel.kit.i18n import using_locale


def _errors(catalog: Catalog, form: dict[str, str], locale: str) -> dict[str, str]:
    with using_locale(locale):
        try:
            parse_form(catalog.create_model, catalog.columns, form)
        except FormErrors as refused:
            return refused.errors
    return {}


BUNDLES = next(catalog for catalog in CATALOGS if catalog.slug == "bundles")
PLANS = next(catalog for catalog in CATALOGS if catalog.slug == "plans")
AI_COSTS = next(catalog for catalog in CATALOGS if catalog.slug == "ai-costs")


@pytest.mark.parametrize(
    ("catalog", "form", "english", "spanish"),
    [
        (BUNDLES, {"price": "1.001"}, "Use at most 2 decimal places.",
         "Use como máximo 2 decimales."),
        (BUNDLES, {"price": "12,50"}, "Enter a number with a decimal point, such as 12.50.",
         "Ingrese un número con punto decimal, como 12.50."),
        (BUNDLES, {"price": "-1"}, "Enter 0 or more.", "Ingrese 0 o más."),
        (BUNDLES, {"token_amount": "20000000"}, "Enter 10,000,000 or less.",
         "Ingrese 10.000.000 o menos."),
        (BUNDLES, {"token_amount": "1,000"}, "Enter a whole number, without separators.",
         "Ingrese un número entero, sin separadores."),
        (BUNDLES, {"bundle_name": ""}, "Required.", "Obligatorio."),
        (PLANS, {"plan_name": "Gold Plan"},
         "Use 2 to 50 lowercase letters, digits or _, starting with a letter.",
         "Use de 2 a 50 letras minúsculas, dígitos o _, empezando con una letra."),
        (PLANS, {"stripe_price_id": "price 1"}, "Use letters, digits and _ only.",
         "Use solo letras, dígitos y _."),
        (AI_COSTS, {"markup_percentage": "1000"}, "Use at most 3 digits before the decimal point.",
         "Use como máximo 3 dígitos antes del punto decimal."),
        (AI_COSTS, {"unit_description": "x" * 101}, "Use at most 100 characters.",
         "Use como máximo 100 caracteres."),
    ],
)  # fmt: skip
def test_a_refused_field_says_what_to_fix(
    catalog: Catalog, form: dict[str, str], english: str, spanish: str
) -> None:
    [(field, _value)] = form.items()
    assert _errors(catalog, form, "en")[field] == english
    assert _errors(catalog, form, "es")[field] == spanish


typed = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@settings(max_examples=200, deadline=None)
@given(
    catalog=st.sampled_from(CATALOGS),
    values=st.lists(typed, min_size=6, max_size=6),
    locale=st.sampled_from(["en", "es"]),
)
def test_any_typed_text_is_accepted_or_refused_with_a_message(
    catalog: Catalog, values: list[str], locale: str
) -> None:
    """Whatever is typed, the form either validates or names each refused field with a message;
    nothing typed makes the page fail."""
    columns = [column for column in catalog.columns if column.kind != "features"]
    form = {column.name: value for column, value in zip(columns, values, strict=False)}
    errors = _errors(catalog, form, locale)
    assert set(errors) <= {column.name for column in catalog.columns} | {"form"}
    assert all(message.strip() for message in errors.values())
