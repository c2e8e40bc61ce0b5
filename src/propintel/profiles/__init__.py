"""Business and homeowner profiles: who a subscriber is, what they offer and where; a homeowner's
home."""
