"""Synthetic names, addresses and identifiers: nothing here can be a real person, home or record.

First names and surnames of several backgrounds (backgrounds.json) are combined at random, so no real
person is meant. NHS numbers come only from the 999 test range, UPNs use LA code 999 and the two demo
schools, and postcodes use the "ZZ" area, which no real postcode uses (the NHS's ZZ99 pseudo-postcodes
mean "no fixed abode" and similar, so they are avoided too). cases.datagen draws from the same lists.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from nhs_number import calculate_checksum

from cases.validators import upn_check_letter

# Per background: surnames, adults' (female/male), children's (girls/boys) and elders' (elders_f/elders_m)
# first names, CIN census ethnicity codes and the usual first language.
BACKGROUNDS: dict[str, dict] = json.loads((Path(__file__).parent / "backgrounds.json").read_text("utf-8"))

# Children of parents of two backgrounds, by CIN census code (any other pair: MOTH).
MIXED_ETHNICITY = {
    frozenset({"english", other}): code
    for other, code in [
        ("caribbean", "MWBC"),
        ("nigerian", "MWBA"),
        ("ghanaian", "MWBA"),
        ("pakistani", "MWAS"),
        ("indian", "MWAS"),
        ("chinese", "MWAS"),
    ]
}

TOWN = "Demo Borough"
STREETS = [
    "Larkspur Road",
    "Foundry Lane",
    "Kestrel Close",
    "Brookside Avenue",
    "Weavers Row",
    "Linnet Way",
    "Orchard Terrace",
    "Canal Street",
    "Hawthorn Drive",
    "Millstone Crescent",
    "Tanners Walk",
    "Bracken Rise",
    "Quarry Hill",
    "Station Parade",
    "Elmfield Grove",
    "Sorrel Court",
    "Ropewalk",
    "Chapel Fold",
    "Beacon View",
    "Heron Gardens",
    "Wharf Road",
    "Cobble Yard",
    "Lantern Street",
    "Fernbank Close",
    "Pennine View",
    "Willow Mews",
    "Dyers Lane",
    "Northgate",
    "Furnace Road",
]
BLOCKS = ["Cobbett House", "Ashby Court", "Riverside Heights", "Priestley House", "Mayfield Court"]
# Postcode districts of the fictional "ZZ" area; inward codes avoid the NHS's ZZ99 pseudo-postcodes.
POSTCODE_DISTRICTS = ["ZZ1", "ZZ2", "ZZ3", "ZZ4"]
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXY"
# DfE establishment numbers for the two demo schools (UPN characters 5-8).
SCHOOL_ESTABLISHMENTS = ("2001", "4001")


class SyntheticNames:
    """Draws surnames, NHS numbers, UPNs and addresses from one generator, never the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._nhs: set[str] = set()
        self._surnames: set[str] = set()
        self._addresses: set[tuple[str, str]] = set()
        self._postcodes: set[str] = set()

    def reserve(self, *surnames: str) -> None:
        """Keep these surnames out of the random draw (a family named on purpose uses them)."""
        self._surnames.update(surnames)

    def surname(self, background: str) -> str:
        name = self.rng.choice([s for s in BACKGROUNDS[background]["surnames"] if s not in self._surnames])
        self._surnames.add(name)
        return name

    def nhs_number(self) -> str:
        """A number in the 999 test range with a valid mod-11 check digit (never 10)."""
        while True:
            stem = f"999{self.rng.randint(0, 999_999):06d}"
            check = calculate_checksum(stem)
            if check is None or check == 10:
                continue
            number = f"{stem}{check}"
            if number not in self._nhs:
                self._nhs.add(number)
                return number

    def upn(self, dob: dt.date, *, secondary: bool) -> str:
        """DfE's pseudo-LA code 001 (no council's own: a UPN must carry a code DfE recognises, rule 1530, and the demo's
        own LA code 999 is none), the demo school, the year the pupil started school, a serial; check letter first."""
        year = (dob.year + 5) % 100
        tail = f"001{SCHOOL_ESTABLISHMENTS[secondary]}{year:02d}{self.rng.randint(1, 999):03d}"
        return upn_check_letter(tail) + tail

    def address(self) -> tuple[str, str, str]:
        """(line 1, line 2, postcode): a house, or a flat in a block; each address and postcode once."""
        while True:
            street = self.rng.choice(STREETS)
            if self.rng.random() < 0.2:
                line1, line2 = f"Flat {self.rng.randint(1, 40)}, {self.rng.choice(BLOCKS)}", street
            else:
                line1, line2 = f"{self.rng.randint(1, 120)} {street}", ""
            if (line1, line2) in self._addresses:
                continue
            self._addresses.add((line1, line2))
            while True:
                inward = f"{self.rng.randint(1, 9)}{self.rng.choice(_INWARD_LETTERS)}{self.rng.choice(_INWARD_LETTERS)}"
                postcode = f"{self.rng.choice(POSTCODE_DISTRICTS)} {inward}"
                if postcode not in self._postcodes:
                    self._postcodes.add(postcode)
                    return line1, line2, postcode
