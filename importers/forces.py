"""The 10 regions and 43 Home Office forces (DESIGN.md), and recognising a force by what a file calls it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class ForceInfo:
    code: str
    name: str
    region: str
    officer_fte: int


# (region name, ROCU, [(code, official name, officer FTE at 31 March 2025)])
REGIONS: list[tuple[str, str | None, list[tuple[str, str, int]]]] = [
    ("North East", "NERSOU", [
        ("cleveland", "Cleveland Police", 1520),
        ("durham", "Durham Constabulary", 1376),
        ("northumbria", "Northumbria Police", 3829),
    ]),
    ("North West", "NWROCU (TITAN)", [
        ("cheshire", "Cheshire Constabulary", 2395),
        ("cumbria", "Cumbria Constabulary", 1365),
        ("greater-manchester", "Greater Manchester Police", 8112),
        ("lancashire", "Lancashire Constabulary", 3561),
        ("merseyside", "Merseyside Police", 4159),
        ("north-wales", "North Wales Police", 1736),
    ]),
    ("Yorkshire and the Humber", "YHROCU", [
        ("humberside", "Humberside Police", 2273),
        ("north-yorkshire", "North Yorkshire Police", 1655),
        ("south-yorkshire", "South Yorkshire Police", 3026),
        ("west-yorkshire", "West Yorkshire Police", 6138),
    ]),
    ("East Midlands", "EMSOU", [
        ("derbyshire", "Derbyshire Constabulary", 2102),
        ("leicestershire", "Leicestershire Police", 2248),
        ("lincolnshire", "Lincolnshire Police", 1173),
        ("northamptonshire", "Northamptonshire Police", 1465),
        ("nottinghamshire", "Nottinghamshire Police", 2391),
    ]),
    ("West Midlands", "ROCUWM", [
        ("staffordshire", "Staffordshire Police", 1997),
        ("warwickshire", "Warwickshire Police", 1131),
        ("west-mercia", "West Mercia Police", 2509),
        ("west-midlands", "West Midlands Police", 7991),
    ]),
    ("Eastern", "ERSOU", [
        ("bedfordshire", "Bedfordshire Police", 1481),
        ("cambridgeshire", "Cambridgeshire Constabulary", 1720),
        ("essex", "Essex Police", 3760),
        ("hertfordshire", "Hertfordshire Constabulary", 2379),
        ("kent", "Kent Police", 4168),
        ("norfolk", "Norfolk Constabulary", 1911),
        ("suffolk", "Suffolk Constabulary", 1403),
    ]),
    ("South East", "SEROCU", [
        ("hampshire", "Hampshire and Isle of Wight Constabulary", 3370),
        ("surrey", "Surrey Police", 2330),
        ("sussex", "Sussex Police", 3206),
        ("thames-valley", "Thames Valley Police", 5000),
    ]),
    ("South West", "SWROCU", [
        ("avon-and-somerset", "Avon and Somerset Constabulary", 3327),
        ("devon-and-cornwall", "Devon and Cornwall Police", 3618),
        ("dorset", "Dorset Police", 1420),
        ("gloucestershire", "Gloucestershire Constabulary", 1346),
        ("wiltshire", "Wiltshire Police", 1213),
    ]),
    ("Southern Wales", "TARIAN", [
        ("dyfed-powys", "Dyfed-Powys Police", 1291),
        ("gwent", "Gwent Police", 1549),
        ("south-wales", "South Wales Police", 3511),
    ]),
    ("London", None, [
        ("metropolitan", "Metropolitan Police Service", 33293),
        ("city-of-london", "City of London Police", 992),
    ]),
]

FORCES: list[ForceInfo] = [
    ForceInfo(code, name, region, fte) for region, _rocu, forces in REGIONS for code, name, fte in forces
]
FORCES_BY_CODE: dict[str, ForceInfo] = {f.code: f for f in FORCES}

# Common short forms seen in files; keys are normalised with force_key().
_SHORT_FORMS = {
    "met": "metropolitan",
    "mps": "metropolitan",
    "metropolitan": "metropolitan",
    "metropolitan police": "metropolitan",
    "gmp": "greater-manchester",
    "london city of": "city-of-london",
    "city of london": "city-of-london",
    "col": "city-of-london",
    "hampshire": "hampshire",
    "hampshire isle of wight": "hampshire",
    "devon cornwall": "devon-and-cornwall",
    "avon somerset": "avon-and-somerset",
    "wmp": "west-midlands",
    "wyp": "west-yorkshire",
    "tvp": "thames-valley",
    "dyfed powys": "dyfed-powys",
}

_NOISE = re.compile(r"\b(police|constabulary|service|and)\b")
_PUNCT = re.compile(r"[^a-z0-9 ]+")


def force_key(text: str) -> str:
    """Normalise a force name: case, punctuation, '&'/'and', 'Police', 'Constabulary', 'Service' ignored."""
    s = text.lower().replace("&", " ").replace("-", " ")
    s = _PUNCT.sub(" ", s)
    s = _NOISE.sub(" ", s)
    return " ".join(s.split())


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for f in FORCES:
        table[force_key(f.name)] = f.code
        table[force_key(f.code)] = f.code
    for short, code in _SHORT_FORMS.items():
        table[force_key(short)] = code
    return table


@lru_cache(maxsize=4096)
def resolve_force(text: str | None) -> str | None:
    """Return the force code a file's force text means, or None when it names no known force."""
    if text is None:
        return None
    key = force_key(str(text))
    if not key:
        return None
    return _lookup().get(key)
