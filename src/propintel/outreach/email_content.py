"""What an e-mail to an owner says and carries: the starter templates (English and Spanish), the
variables a subject or body may use, the CAN-SPAM footer, the one-click unsubscribe link and the
reply address that leads a reply back to its e-mail (docs/outreach/email.md).

- Variables: ``{owner_first_name}``, ``{address}``, ``{business_name}``; any other name in
  braces is refused, naming it (``{{`` and ``}}`` write a brace).
- Unsubscribe: ``{public_base_url}/unsubscribe/{token}``, the token the log id signed with the
  site's signing key (itsdangerous, its own salt); sent in the footer and as the
  ``List-Unsubscribe`` header with ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
  (RFC 8058), so mail clients offer their own unsubscribe button.
- Replies: the Reply-To is ``reply+{log_id}@{domain of PROPINTEL_EMAIL_FROM}``; SendGrid's
  Inbound Parse, set up for that domain, posts the reply to us and the tag names the e-mail.
"""

from __future__ import annotations

import re
import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from propintel.config import Settings
from propintel.integrations.email import EmailMessage
from propintel.kit import i18n
from propintel.kit.errors import Invalid
from propintel.kit.i18n import N_, _
from propintel.web.templating import templates

CATEGORY = "owner_email"
VARIABLES = ("owner_first_name", "address", "business_name")
MAX_SUBJECT = 200
MAX_BODY = 20_000
_UNSUBSCRIBE_SALT = "propintel.email-unsubscribe"
REPLY_TAG = re.compile(r"reply\+([0-9a-fA-F-]{36})@", re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    day: int
    subject: str
    body: str

    def stored(self, locale: str) -> dict[str, Any]:
        return {"day": self.day, "subject": self.subject, "body": self.body, "locale": locale}


@dataclass(frozen=True)
class Template:
    """A starter sequence (or, for a one-off, its first step)."""

    key: str
    label: str  # N_: translated where shown
    locale: str
    steps: tuple[Step, ...] = field(default_factory=tuple)


INTRO_EN = Template(
    "intro_en",
    N_("3-step intro (English)"),
    "en",
    (
        Step(
            0,
            "About your property at {address}",
            "Hi {owner_first_name},\n\n"
            "I'm reaching out from {business_name} about your property at {address}. If you "
            "have thought about selling it, or it needs work, I would be glad to talk, with no "
            "obligation.\n\n"
            "Just reply to this e-mail and I will get back to you.\n\n"
            "Best regards,\n{business_name}",
        ),
        Step(
            3,
            "Following up on {address}",
            "Hi {owner_first_name},\n\n"
            "I wanted to follow up on my note about {address}. If now is not a good time, a "
            "short reply saying so is enough and I won't insist.\n\n"
            "Thank you,\n{business_name}",
        ),
        Step(
            7,
            "A last note about {address}",
            "Hi {owner_first_name},\n\n"
            "This is my last e-mail about {address}. If you ever want to talk, just reply: I "
            "will be glad to help.\n\n"
            "All the best,\n{business_name}",
        ),
    ),
)

INTRO_ES = Template(
    "intro_es",
    N_("3-step intro (Spanish)"),
    "es",
    (
        Step(
            0,
            "Sobre su propiedad en {address}",
            "Hola, {owner_first_name}:\n\n"
            "Le escribo de {business_name} sobre su propiedad en {address}. Si ha pensado en "
            "venderla, o si necesita algún trabajo, con gusto conversamos, sin compromiso.\n\n"
            "Solo responda a este correo y le contestaré.\n\n"
            "Saludos cordiales,\n{business_name}",
        ),
        Step(
            3,
            "Seguimiento sobre {address}",
            "Hola, {owner_first_name}:\n\n"
            "Quería dar seguimiento a mi mensaje sobre {address}. Si no es buen momento, basta "
            "con una breve respuesta y no insistiré.\n\n"
            "Gracias,\n{business_name}",
        ),
        Step(
            7,
            "Un último mensaje sobre {address}",
            "Hola, {owner_first_name}:\n\n"
            "Este es mi último correo sobre {address}. Si algún día desea conversar, solo "
            "responda: con gusto le ayudaré.\n\n"
            "Atentamente,\n{business_name}",
        ),
    ),
)

BUILT_IN: dict[str, Template] = {t.key: t for t in (INTRO_EN, INTRO_ES)}


def script_step(name: str, content: str) -> Step:
    """A subscriber's e-mail script as one step: a first line ``Subject: …`` is its subject,
    else the script's name is."""
    lines = content.strip().splitlines()
    if lines and lines[0].lower().startswith("subject:"):
        return Step(0, lines[0].split(":", 1)[1].strip() or name, "\n".join(lines[1:]).strip())
    return Step(0, name, content.strip())


# ---- variables -------------------------------------------------------------------------------


def check_variables(text: str, field_name: str) -> None:
    """``Invalid`` (on ``field_name``) naming the first unknown or malformed variable."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise Invalid(
            _("A brace is not closed: write variables as {name}, and {{ or }} for a brace."),
            field=field_name,
        ) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in VARIABLES or spec or conversion:
            raise Invalid(
                _("Unknown variable {{{name}}}: use {variables}.").format(
                    name=name, variables=", ".join("{" + v + "}" for v in VARIABLES)
                ),
                field=field_name,
            )


def render_variables(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its variables filled in (checked first: see ``check_variables``)."""
    return text.format_map({name: values.get(name, "") for name in VARIABLES})


# ---- links and tags --------------------------------------------------------------------------


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.signing_key(), salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(settings: Settings, log_id: uuid.UUID) -> str:
    return _serializer(settings).dumps(str(log_id))


def log_of_token(settings: Settings, token: str) -> uuid.UUID | None:
    """The log id a token signs, or None for anything not made by ``unsubscribe_token``."""
    try:
        value = _serializer(settings).loads(token)
        return uuid.UUID(str(value))
    except (BadSignature, ValueError):
        return None


def unsubscribe_url(settings: Settings, log_id: uuid.UUID) -> str:
    return (
        f"{settings.public_base_url.rstrip('/')}/unsubscribe/{unsubscribe_token(settings, log_id)}"
    )


def reply_address(settings: Settings, log_id: uuid.UUID) -> str:
    domain = parseaddr(settings.email_from)[1].rpartition("@")[2] or "localhost"
    return f"reply+{log_id}@{domain}"


def tagged_log_ids(*texts: str | None) -> list[uuid.UUID]:
    """The log ids of every ``reply+{log_id}@`` tag in ``texts``, in order."""
    found: list[uuid.UUID] = []
    for text in texts:
        for match in REPLY_TAG.finditer(text or ""):
            try:
                found.append(uuid.UUID(match.group(1)))
            except ValueError:
                continue
    return found


# ---- the message -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SenderFacts:
    """Who the owner is e-mailed by: the business and the postal address CAN-SPAM requires."""

    business_name: str
    postal_address: str


def compose(
    *,
    settings: Settings,
    log_id: uuid.UUID,
    user_id: uuid.UUID,
    to: str,
    subject: str,
    body: str,
    sender: SenderFacts,
    locale: str,
) -> EmailMessage:
    """The e-mail as sent: the body with the footer (the sender's name and postal address, why
    the owner gets it, the unsubscribe link), as text and as simple HTML, with the
    one-click unsubscribe header, the reply address and the custom args the events echo."""
    link = unsubscribe_url(settings, log_id)
    context = {"body": body, "sender": sender, "unsubscribe_url": link}
    with i18n.using_locale(locale):
        text, html = (
            templates.env.get_template(f"emails/owner_email.{kind}").render(context)
            for kind in ("txt", "html")
        )
    return EmailMessage(
        to=to,
        subject=subject,
        text=text,
        html=html,
        category=CATEGORY,
        user_id=user_id,  # the sender's outbox shows it (offline)
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        custom_args={"log_id": str(log_id), "user_id": str(user_id)},
        reply_to=reply_address(settings, log_id),
        from_name=sender.business_name,
    )
