"""FSBO listings in the documented feed format (DATA-SOURCES.md §6), as CSV and JSON.

Each listing goes to exactly one of ``fsbo.csv`` / ``fsbo.json`` (about 2/3 CSV). ~60% carry a
dashed folio, ~30% only an address that matches a parcel, ~10% an address with a house number
ending in ``00`` that matches no parcel by construction. Phone numbers are in the 555-01xx range
reserved for fiction; e-mails are at example.com.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from propintel.demo.gen_geo import title_street
from propintel.demo.gen_parcel import Parcel
from propintel.demo.gen_people import contact_name
from propintel.demo.gen_rand import pick, ri

FSBO_COLUMNS = (
    "listing_url",
    "listing_platform",
    "listing_price",
    "listing_description",
    "photos",
    "contact_name",
    "contact_phone",
    "contact_email",
    "listed_date",
    "days_on_market",
    "status",
    "address",
    "folio",
)
_PLATFORMS = ("zillow_fsbo", "fsbo.com", "craigslist", "facebook_marketplace")
_FSBO_STATUS = (("active", 65), ("pending", 15), ("sold", 8), ("withdrawn", 12))
_BLURBS = (
    "updated kitchen",
    "impact windows",
    "new roof",
    "large backyard",
    "quiet street",
    "close to schools",
    "no HOA",
    "great for investors",
    "move-in ready",
    "needs some TLC",
    "ocean views",
    "walk to the park",
    "tile floors throughout",
    "2-car garage",
)
_KIND_WORDS = {
    "sfr": "single-family home",
    "condo": "condo",
    "multi": "multi-family",
    "mobile": "mobile home",
}


class FsboMaker:
    """Writes the FSBO listings of parcels and counts them (``counts["fsbo"]`` per listing)."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        write_csv: Callable[[list[Any]], Any],
        write_json: Callable[[str], None],
        counts: dict[str, Counter[str]],
    ) -> None:
        self.rng = rng
        self.today = today
        self.write_csv = write_csv
        self.write_json = write_json
        self.c = counts

    def emit(self, p: Parcel) -> None:
        """A listing for the parcel, or (10%) one whose address matches no parcel."""
        rnd = self.rng.random
        c = self.c["fsbo"]
        r = rnd()
        unmatched = r < 0.1
        with_folio = not unmatched and r < 0.7
        hn = (p.hn // 100 * 100 or 100) if unmatched else p.hn
        unit = ""
        if p.unit and not unmatched:
            unit = f" {pick(self.rng, ('Apt', 'Unit', '#'))} {p.unit}".replace("# ", "#")
        street = title_street(f"{hn} {p.line.ordinal}")
        address = f"{street}{unit}, {p.city.title()}, FL {p.zip}"
        c["unmatched" if unmatched else "with_folio" if with_folio else "address_only"] += 1
        listing = self._listing(p, address, p.dashed if with_folio else None)
        if rnd() < 2 / 3:
            self.write_csv(_fsbo_csv_row(listing, self.rng.random() < 0.2))
            self.c["fsbo.csv"]["rows"] += 1
        else:
            self.write_json(json.dumps(listing, ensure_ascii=False))
            self.c["fsbo.json"]["rows"] += 1

    def _listing(self, p: Parcel, address: str, folio: str | None) -> dict[str, Any]:
        rnd = self.rng.random
        platform = pick(self.rng, _PLATFORMS)
        lid = 70_000_000 + p.idx
        days = ri(self.rng, 91, 400) if rnd() < 1 / 3 else ri(self.rng, 0, 91)
        status = self.rng.choices([s for s, _ in _FSBO_STATUS], [w for _, w in _FSBO_STATUS])[0]
        c = self.c["fsbo"]
        c["listed_over_90_days"] += days > 90
        c["active_over_90_days"] += days > 90 and status == "active"
        name = contact_name(self.rng, p.owner)
        price = int(p.jv * self.rng.uniform(0.95, 1.35)) // 1000 * 1000 - (
            100 if rnd() < 0.4 else 0
        )
        beds = f"{p.beds}/{p.baths}" if p.beds else "studio"
        blurbs = ", ".join(self.rng.sample(_BLURBS, 2))
        listing: dict[str, Any] = {
            "listing_url": _listing_url(platform, lid, address),
            "listing_platform": platform,
            "listing_price": price,
            "listing_description": f"For sale by owner: {beds} {_KIND_WORDS[p.kind]} in "
            f"{p.city.title()}, {blurbs}. No agents please.",
            "photos": [
                f"https://photos.example.com/fsbo/{lid}/{k}.jpg"
                for k in range(1, ri(self.rng, 0, 7) + 1)
            ],
            "contact_name": name,
            "contact_phone": _phone(self.rng),
            "contact_email": f"{_email_local(name)}{p.idx % 1000}@example.com",
        }
        if rnd() < 0.5:
            listing["listed_date"] = (self.today - timedelta(days=days)).isoformat()
        else:
            listing["days_on_market"] = days
        listing["status"] = status
        listing["address"] = address
        if folio:
            listing["folio"] = folio
        return listing


def _email_local(name: str) -> str:
    """``José O'Brien`` → ``jose.obrien`` (ASCII, as mail providers require)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ".".join("".join(ch for ch in w if ch.isalnum()) for w in ascii_name.lower().split())


def _phone(rng: random.Random) -> str:
    area = pick(rng, ("305", "786"))
    line = ri(rng, 100, 200)  # 555-0100..0199 are reserved for fiction
    return pick(rng, (f"({area}) 555-0{line}", f"{area}-555-0{line}", f"+1{area}5550{line}"))


def _listing_url(platform: str, lid: int, address: str) -> str:
    slug = "-".join("".join(ch for ch in address if ch.isalnum() or ch == " ").split())
    if platform == "zillow_fsbo":
        return f"https://www.zillow.com/homedetails/{slug}/{lid}_zpid/"
    if platform == "fsbo.com":
        return f"https://www.fsbo.com/listings/listings/show/id/{lid}/"
    if platform == "craigslist":
        return f"https://miami.craigslist.org/mdc/reo/d/{slug.lower()}/{lid}.html"
    return f"https://www.facebook.com/marketplace/item/{lid}/"


def _fsbo_csv_row(listing: dict[str, Any], dollar_price: bool) -> list[Any]:
    row = []
    for col in FSBO_COLUMNS:
        v = listing.get(col, "")
        if col == "photos":
            v = "|".join(v)
        elif col == "listing_price" and dollar_price:
            v = f"${v:,}"
        row.append(v)
    return row
