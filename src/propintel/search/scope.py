"""What a caller may search: the intents of their plan (``service.scope_for`` finds them)."""

from __future__ import annotations

from dataclasses import dataclass

from propintel.search.criteria import Intent


@dataclass(frozen=True)
class Scope:
    """The leads a caller may see: the intents of their plan."""

    intents: frozenset[Intent]

    def allows(self, intent: Intent) -> bool:
        return intent in self.intents

    @property
    def everything(self) -> bool:
        return self.intents == frozenset(Intent)

    @property
    def new_homeowner_scores(self) -> bool:
        """Whether the caller sees new-homeowner scores (and their indicators)."""
        return self.allows(Intent.NEW_HOMEOWNER)

    @property
    def distressed_scores(self) -> bool:
        """Whether the caller sees distressed scores: FSBO leads are scored by them (a stale
        listing is a distressed indicator)."""
        return self.allows(Intent.DISTRESSED) or self.allows(Intent.FSBO)
