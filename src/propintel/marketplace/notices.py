"""The marketplace's e-mails, each in its recipient's language (their account's, else English),
through the e-mail interface (the local outbox offline). A failed send is logged and never undoes
what it announces: the page shows the same news."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from propintel.auth.models import User
from propintel.integrations.email import EmailSender, EmailSendError
from propintel.kit import i18n
from propintel.web.templating import templated_email

logger = logging.getLogger("propintel.marketplace.notices")
CATEGORY = "marketplace"


async def notify(
    sender: EmailSender,
    user: User,
    template: str,
    subject: Callable[[], str],
    context: Callable[[], dict[str, Any]],
) -> None:
    """E-mail ``user`` with ``emails/<template>``; ``subject`` and ``context`` are built in the
    recipient's language (so labels in them are translated for the reader)."""
    locale = user.preferred_locale or i18n.DEFAULT_LOCALE
    with i18n.using_locale(locale):
        title, values = subject(), context()
    message = templated_email(
        user.email, title, template, values, locale=locale, category=CATEGORY, user_id=user.user_id
    )
    try:
        await sender.send(message)
    except EmailSendError:
        logger.warning("marketplace e-mail %s to %s failed", template, user.user_id, exc_info=True)
