"""Typed refusals of the ledger. Each names the rule that refused (``rule``), so callers and the
API can say exactly why nothing was charged."""

from __future__ import annotations

from propintel.kit.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from propintel.kit.i18n import _


class TokenRefusal(DomainError):
    """A charge, hold or deduction that the ledger refused; nothing was written."""

    rule = "refused"


class InsufficientTokens(TokenRefusal):
    """402 Payment Required: the fix is to buy tokens, which is what 402 says."""

    status_code = 402
    rule = "insufficient_balance"

    def __init__(self, *, needed: int, balance: int) -> None:
        super().__init__(
            _("This needs {needed} tokens; your balance is {balance}.").format(
                needed=needed, balance=balance
            )
        )
        self.needed = needed
        self.balance = balance


class DailyLimitReached(TokenRefusal, Conflict):
    """409: the user's own daily limit (a New York day) refuses it until midnight or a new limit."""

    rule = "daily_limit"

    def __init__(self, *, needed: int, used_today: int, daily_limit: int) -> None:
        super().__init__(
            _(
                "This needs {needed} tokens; {used_today} of your daily limit of {daily_limit} "
                "are already used today (New York time)."
            ).format(needed=needed, used_today=used_today, daily_limit=daily_limit)
        )
        self.needed = needed
        self.used_today = used_today
        self.daily_limit = daily_limit


class AccountSuspended(TokenRefusal, Forbidden):
    rule = "suspended"

    def __init__(self) -> None:
        super().__init__(_("This account is suspended: it cannot spend tokens."))


class EmailNotVerified(TokenRefusal, Forbidden):
    """An account must prove its e-mail address before it spends credits (issue 13)."""

    rule = "email_not_verified"

    def __init__(self) -> None:
        super().__init__(
            _(
                "Verify your e-mail address before spending credits: use the link we sent you, "
                "or ask for a new one on your security page."
            )
        )


class UnknownAction(TokenRefusal, Invalid):
    rule = "unknown_action"

    def __init__(self, action_type: str) -> None:
        super().__init__(
            _("No price is set for action {action}.").format(action=repr(action_type)),
            field="action_type",
        )


class ReservationNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such token reservation."))


class ReservationClosed(Conflict):
    def __init__(self, status: str) -> None:
        super().__init__(_("This reservation is already {status}.").format(status=status))


class SettlementExceedsHold(Conflict):
    def __init__(self, *, actual: int, held: int) -> None:
        super().__init__(
            _("The actual charge of {actual} tokens exceeds the {held} tokens held.").format(
                actual=actual, held=held
            )
        )


class AlreadyRefunded(Conflict):
    def __init__(self) -> None:
        super().__init__(_("This charge was already refunded."))


class UsageNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such charge."))
