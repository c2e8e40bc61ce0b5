"""The homeowner marketplace: homeowners post jobs, matched verified contractors bid, homeowners
choose and review (docs/marketplace.md)."""
