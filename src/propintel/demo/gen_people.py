"""Synthetic owners, mailing addresses, plaintiffs and certificate buyers.

Owner names follow the DOR NAL conventions (``LAST FIRST M``, couples with ``&W``/``&H``, trusts,
estates, heirs, companies, government). A few names carry Latin-1 accents (MUÑOZ, JOSÉ), as some
real rolls do. First names in :data:`RESERVED_FIRST` are never given to an owner: records built
with them match no parcel by construction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from propintel.demo.gen_rand import pick, ri


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


LAST = _words(
    "GARCIA RODRIGUEZ GONZALEZ HERNANDEZ PEREZ LOPEZ MARTINEZ FERNANDEZ SANCHEZ DIAZ ALVAREZ "
    "RAMIREZ GOMEZ TORRES RUIZ SUAREZ CASTILLO MORALES VARGAS ROJAS HERRERA MEDINA CASTRO ORTIZ "
    "DELGADO VALDES CABRERA ACOSTA MENDEZ MORENO JIMENEZ REYES CRUZ ROMERO NAVARRO LEON BLANCO "
    "MOLINA SOTO SILVA QUINTERO PADRON ESTRADA GUERRA FIGUEROA AGUILAR VEGA RIVERA FLORES "
    "SANTANA CORDERO ESPINOSA MARRERO RIVERO LORENZO PUPO ALONSO "
    "SMITH JOHNSON WILLIAMS BROWN JONES MILLER DAVIS WILSON ANDERSON TAYLOR THOMAS MOORE JACKSON "
    "WHITE HARRIS MARTIN THOMPSON YOUNG ALLEN KING WRIGHT SCOTT GREEN BAKER ADAMS NELSON HILL "
    "CAMPBELL MITCHELL ROBERTS CARTER PHILLIPS EVANS TURNER PARKER COLLINS EDWARDS STEWART "
    "MORRIS MURPHY COOK ROGERS O'BRIEN MCDONALD "
    "JEAN PIERRE JOSEPH CHARLES LOUIS BAPTISTE ETIENNE DORVAL AUGUSTIN "
    "COHEN LEVY GOLDBERG SHAPIRO KATZ FRIEDMAN ROSEN "
    "NGUYEN PATEL KIM SINGH CHEN ROSSI"
)
LAST_ACCENTED = ("MUÑOZ", "PEÑA", "NÚÑEZ", "IBÁÑEZ", "CASTAÑEDA", "ORDÓÑEZ", "BÁEZ", "RAMÍREZ")
MALE = _words(
    "JOSE JUAN CARLOS LUIS JORGE MIGUEL PEDRO MANUEL ANTONIO FRANCISCO RAFAEL ROBERTO ALEJANDRO "
    "RICARDO EDUARDO FERNANDO JAVIER RAUL OSCAR ERNESTO JOHN MICHAEL DAVID JAMES ROBERT WILLIAM "
    "RICHARD JOSEPH THOMAS DANIEL MARK STEVEN PAUL KEVIN JEAN PIERRE ANDRE"
)
FEMALE = _words(
    "MARIA ANA CARMEN ROSA ISABEL LAURA MARTA TERESA GLORIA ELENA SOFIA LUCIA PATRICIA SUSANA "
    "YOLANDA MARY JENNIFER LINDA ELIZABETH SUSAN JESSICA SARAH KAREN NANCY LISA BETTY MARIE"
)
MALE_ACCENTED = ("JOSÉ", "RAÚL", "ANDRÉS")
FEMALE_ACCENTED = ("INÉS", "MÓNICA", "LUCÍA")
RESERVED_FIRST = ("ZEBULON", "THADDEUS", "PERPETUA", "HORTENSIA", "CORNELIUS", "OCTAVIA")
INITIALS = "ABCDEFGHIJLMNOPRSTV"

COMPANY_WORDS = _words(
    "SUNSHINE BISCAYNE CORAL PALM OCEAN BAYSIDE TROPICAL ATLANTIC MAGIC CITY SOUTH FLORIDA "
    "EVERGLADES KEY WEST HARBOR BRICKELL DORAL KENDALL MIAMI PREMIER CAPITAL SUMMIT GOLDEN "
    "ROYAL EMERALD SAPPHIRE ORCHID MANGO BANYAN"
)
COMPANY_FORMS = (
    "{w1} {w2} HOLDINGS LLC",
    "{w1} HOLDINGS LLC",
    "{w1} {w2} LLC",
    "{n} {w1} LLC",
    "{w1} INVESTMENTS INC",
    "{w1} PROPERTIES CORP",
    "{w1} REALTY GROUP LLC",
    "{w1} CAPITAL LP",
    "{w1} {w2} HOLDINGS, LLC",
    "{w1} {n} LLC",
    "{w1} & {w2} PROPERTIES INC",
)
INSTITUTIONAL = (
    "AMERICAN HOMES 4 RENT PROPERTIES EIGHT LLC",
    "INVITATION HOMES REALTY LLC",
    "PROGRESS RESIDENTIAL BORROWER 6 LLC",
    "FKH SFR PROPCO B-HLD LP",
)
PLAINTIFFS = (
    "WELLS FARGO BANK NA",
    "U.S. BANK NATIONAL ASSOCIATION, AS TRUSTEE",
    "NATIONSTAR MORTGAGE LLC",
    "LAKEVIEW LOAN SERVICING LLC",
    "DEUTSCHE BANK NATIONAL TRUST COMPANY",
    "FREEDOM MORTGAGE CORP",
    "THE BANK OF NEW YORK MELLON",
    "JPMORGAN CHASE BANK NA",
    "PENNYMAC LOAN SERVICES LLC",
    "NEWREZ LLC",
    "ROCKET MORTGAGE LLC",
    "MIDFIRST BANK",
    "CITY NATIONAL BANK OF FLORIDA",
)
CERT_BUYERS = (
    "5T WEALTH PARTNERS LP",
    "TLGFY LLC",
    "CAPITAL ONE CLTRL ASSIGNEE OF FIG 2223 LLC",
    "BRIDGE TAX LLC",
    "MAGNOLIA TC 2 LLC",
    "ATCF II FLORIDA-A LLC",
    "ELLIS TAX CERTS LLC",
    "FNA DZ LLC",
    "GULFSTREAM TAX FUND LLC",
    "BISCAYNE TAX LIEN FUND LP",
)
OUT_OF_STATE = (
    ("NEW YORK", "NY", "NEW YORK", 10001),
    ("BROOKLYN", "NY", "NEW YORK", 11201),
    ("NEWARK", "NJ", "NEW JERSEY", 7102),
    ("ATLANTA", "GA", "GEORGIA", 30303),
    ("CHICAGO", "IL", "ILLINOIS", 60601),
    ("BOSTON", "MA", "MASSACHUSETTS", 2108),
    ("HOUSTON", "TX", "TEXAS", 77002),
    ("LOS ANGELES", "CA", "CALIFORNIA", 90012),
    ("CHARLOTTE", "NC", "NORTH CAROLINA", 28202),
    ("PHILADELPHIA", "PA", "PENNSYLVANIA", 19103),
    ("WASHINGTON", "DC", "DISTRICT OF COLUMBIA", 20001),
    ("DENVER", "CO", "COLORADO", 80202),
    ("SCOTTSDALE", "AZ", "ARIZONA", 85251),
    ("NASHVILLE", "TN", "TENNESSEE", 37203),
    ("COLUMBUS", "OH", "OHIO", 43215),
    ("GREENWICH", "CT", "CONNECTICUT", 6830),
)
FOREIGN = (
    ("TORONTO", "CANADA", "M5V 2T6", "100 KING ST W SUITE 5600"),
    ("MONTREAL", "CANADA", "H3B 4W8", "1250 BOUL RENE-LEVESQUE O"),
    ("BOGOTÁ", "COLOMBIA", "110221", "CALLE 93 # 11-26 APTO 502"),
    ("MEDELLIN", "COLOMBIA", "050021", "CARRERA 43A # 1-50"),
    ("CARACAS", "VENEZUELA", "1060", "AV FRANCISCO DE MIRANDA TORRE PARQUE"),
    ("BUENOS AIRES", "ARGENTINA", "C1001", "AV CORRIENTES 1234 PISO 8"),
    ("SÃO PAULO", "BRAZIL", "01310-100", "AV PAULISTA 1578 APTO 91"),
    ("MADRID", "SPAIN", "28001", "CALLE DE SERRANO 45"),
    ("MEXICO CITY", "MEXICO", "11000", "PASEO DE LA REFORMA 505"),
    ("LIMA", "PERU", "15074", "AV LARCO 1301"),
)
FL_CITIES = (
    ("FORT LAUDERDALE", 33301),
    ("HOLLYWOOD", 33020),
    ("WESTON", 33326),
    ("BOCA RATON", 33432),
    ("CORAL SPRINGS", 33065),
    ("ORLANDO", 32801),
    ("TAMPA", 33602),
    ("NAPLES", 34102),
)
MAIL_CITIES = (
    ("MIAMI", 33155),
    ("MIAMI", 33186),
    ("HIALEAH", 33012),
    ("MIAMI BEACH", 33139),
    ("CORAL GABLES", 33134),
    ("DORAL", 33178),
    ("MIAMI", 33176),
)


@dataclass(slots=True)
class Owner:
    """An owner as the NAL writes it, plus the people behind it (for PA and Clerk records)."""

    name: str
    kind: str  # person, couple, life_estate, company, trust, estate, heirs, government
    last: str
    first: str
    people: tuple[str, ...]  # natural order, "JOSE L GARCIA", for TRUE_OWNER1..3
    base: str = ""  # the principal person as "LAST FIRST M" (the decedent of an estate)

    @property
    def accented(self) -> bool:
        return not self.name.isascii()


@dataclass(slots=True)
class Mailing:
    """An owner's mailing address, as the NAL writes it."""

    addr1: str
    addr2: str
    city: str
    state: str  # "FL", "FLORIDA", "NY", "NEW YORK", or a country for foreign owners
    zip: str
    country: str  # "USA" or the foreign country
    kind: str  # situs, florida, out_of_state, foreign


def _last(rng: random.Random) -> str:
    return pick(rng, LAST_ACCENTED) if rng.random() < 0.04 else pick(rng, LAST)


def _first(rng: random.Random, male: bool) -> str:
    if rng.random() < 0.03:
        return pick(rng, MALE_ACCENTED if male else FEMALE_ACCENTED)
    return pick(rng, MALE if male else FEMALE)


def person_name(rng: random.Random, reserved: bool = False) -> tuple[str, str, str]:
    """``(last, first, middle initial or "")``; ``reserved`` draws a never-owner first name."""
    last = _last(rng)
    if rng.random() < 0.08:
        last = f"{last} {_last(rng)}"
    first = pick(rng, RESERVED_FIRST) if reserved else _first(rng, rng.random() < 0.5)
    mi = pick(rng, INITIALS) if rng.random() < 0.65 else ""
    return last, first, mi


def _lfm(last: str, first: str, mi: str) -> str:
    return f"{last} {first} {mi}" if mi else f"{last} {first}"


def _natural(last: str, first: str, mi: str) -> str:
    return f"{first} {mi} {last}" if mi else f"{first} {last}"


def make_owner(rng: random.Random, kind: str, gov_name: str = "MIAMI-DADE COUNTY") -> Owner:
    """An owner of the given kind, named the way the DOR roll names it."""
    if kind == "government":
        return Owner(gov_name, kind, "", "", (gov_name,), gov_name)
    if kind == "company":
        return _company(rng)
    last, first, mi = person_name(rng)
    people = (_natural(last, first, mi),)
    base = _lfm(last, first, mi)
    if kind == "couple":
        male = first in MALE or first in MALE_ACCENTED
        spouse = _first(rng, not male)
        name = f"{_lfm(last, first, mi)} {'&W' if male else '&H'} {spouse}"
        return Owner(name, kind, last, first, (*people, f"{spouse} {last}"), base)
    form = rng.random()
    if kind == "trust":
        if form < 0.4:
            name = f"{_lfm(last, first, mi)} TRS"
        elif form < 0.6:
            name = f"{_lfm(last, first, mi)} TR"
        elif form < 0.85:
            name = f"{_natural(last, first, mi)} REVOCABLE TRUST"
        else:
            name = f"{last} FAMILY TRUST"
        return Owner(name, kind, last, first, (*people, name), base)
    if kind == "estate":
        name = f"EST OF {_lfm(last, first, mi)}" if form < 0.6 else f"{_lfm(last, first, mi)} EST"
    elif kind == "heirs":
        name = (
            f"HEIRS OF {_lfm(last, first, mi)}"
            if form < 0.6
            else f"UNKNOWN HEIRS OF {last} {first}"
        )
    elif kind == "life_estate":
        name = f"{_lfm(last, first, mi)} LE"
    else:
        name = _lfm(last, first, mi)
    return Owner(name, kind, last, first, people, base)


def _company(rng: random.Random) -> Owner:
    if rng.random() < 0.04:
        name = pick(rng, INSTITUTIONAL)
    else:
        w1, w2 = pick(rng, COMPANY_WORDS), pick(rng, COMPANY_WORDS)
        name = pick(rng, COMPANY_FORMS).format(w1=w1, w2=w2, n=ri(rng, 100, 9999))
    return Owner(name, "company", "", "", (name,), name)


def fl_state(rng: random.Random) -> str:
    """``FL`` mostly, sometimes spelled out the way some rolls do."""
    return "FLORIDA" if rng.random() < 0.1 else "FL"


def other_mailing(rng: random.Random, kind: str) -> Mailing:
    """A mailing address away from the property: elsewhere in Florida, another state, abroad."""
    if kind == "foreign":
        city, country, postal, street = pick(rng, FOREIGN)
        return Mailing(
            street, "", city, country, postal if rng.random() < 0.7 else "", country, kind
        )
    street = _street_line(rng)
    addr2 = f"STE {ri(rng, 100, 999)}" if rng.random() < 0.08 else ""
    if kind == "out_of_state":
        city, abbr, full, zip0 = pick(rng, OUT_OF_STATE)
        state = full if rng.random() < 0.3 else abbr
        return Mailing(street, addr2, city, state, f"{zip0 + ri(rng, 0, 40):05d}", "USA", kind)
    city, zip0 = pick(rng, FL_CITIES if rng.random() < 0.3 else MAIL_CITIES)
    return Mailing(street, addr2, city, fl_state(rng), f"{zip0 + ri(rng, 0, 6):05d}", "USA", kind)


def _street_line(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        return f"PO BOX {ri(rng, 1, 99999)}"
    if r < 0.55:
        return f"{ri(rng, 100, 9999)} {pick(rng, ('MAIN', 'OAK', 'PARK', 'LAKE', 'HILL'))} ST"
    quad = pick(rng, ("SW", "NW", "NE"))
    return f"{ri(rng, 100, 19999)} {quad} {ri(rng, 1, 200)} {pick(rng, ('ST', 'AVE'))}"


def contact_name(rng: random.Random, owner: Owner) -> str:
    """A listing's contact: the owner when a person, else someone plausible ("Maria Garcia")."""
    if owner.first:
        return f"{owner.first.title()} {owner.last.split(' ')[0].title()}"
    last, first, _ = person_name(rng)
    return f"{first.title()} {last.split(' ')[0].title()}"
