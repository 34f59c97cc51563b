"""Handles and display names, and the ways a returning account disguises its old handle.

Handles follow the common platform rule ``[a-z0-9_]{1,15}`` (lower-cased here). Ordinary users
are drawn from a few first/last-name lists with the patterns people actually use, so that many
innocent handles look alike (john_smith, john_smith1, johnsmith88): a ban-evasion detector has
to tell a returning account from a namesake.
"""

from __future__ import annotations

import random
from collections.abc import Callable

MAX_HANDLE = 15

FIRST: dict[str, list[str]] = {
    "en": [
        "john",
        "mary",
        "james",
        "sarah",
        "david",
        "emma",
        "mike",
        "lisa",
        "chris",
        "anna",
        "tom",
        "kate",
        "paul",
        "amy",
    ],
    "ar": [
        "mohammed",
        "ahmed",
        "omar",
        "fatima",
        "ali",
        "yusuf",
        "khalid",
        "layla",
        "hassan",
        "mariam",
        "ibrahim",
        "noor",
    ],
    "fr": ["jean", "marie", "pierre", "claire", "luc", "sophie", "julien", "camille"],
    "es": ["jose", "maria", "carlos", "lucia", "diego", "sofia", "javier", "elena"],
    "id": ["budi", "siti", "agus", "dewi", "rizky", "putri"],
    "tr": ["mehmet", "ayse", "mustafa", "elif", "emre", "zeynep"],
}
LAST: dict[str, list[str]] = {
    "en": [
        "smith",
        "jones",
        "brown",
        "taylor",
        "wilson",
        "clark",
        "walker",
        "hall",
        "young",
        "king",
        "wright",
        "green",
    ],
    "ar": ["hassan", "ali", "khalil", "saleh", "mansour", "haddad", "nasser", "karim", "aziz", "hamdan"],
    "fr": ["martin", "bernard", "dubois", "moreau", "laurent", "simon"],
    "es": ["garcia", "lopez", "martinez", "sanchez", "perez", "gomez"],
    "id": ["santoso", "wijaya", "saputra", "lestari"],
    "tr": ["yilmaz", "kaya", "demir", "celik"],
}
#: Arabic-script display names for transliterated handles (synthetic pairing, not a dictionary).
AR_DISPLAY: dict[str, str] = {
    "mohammed": "محمد",
    "ahmed": "أحمد",
    "omar": "عمر",
    "fatima": "فاطمة",
    "ali": "علي",
    "yusuf": "يوسف",
    "khalid": "خالد",
    "layla": "ليلى",
    "hassan": "حسن",
    "mariam": "مريم",
    "ibrahim": "إبراهيم",
    "noor": "نور",
    "harith": "حارث",
    "hamza": "حمزة",
    "bakr": "بكر",
    "talha": "طلحة",
}
#: Transliteration variants of the same Arabic name, as people actually spell them in Latin letters.
TRANSLIT: dict[str, list[str]] = {
    "abu": ["abou", "abo"],
    "mohammed": ["muhammad", "mohamed", "mhmd"],
    "ahmed": ["ahmad"],
    "omar": ["umar"],
    "yusuf": ["yousef", "yusef"],
    "khalid": ["khaled"],
    "hassan": ["hasan"],
    "ibrahim": ["ebrahim"],
    "harith": ["hareth", "haris"],
    "hamza": ["hamzah"],
    "talha": ["talhah"],
    "abdullah": ["abdallah", "abdalla"],
    "al": ["el"],
    "noor": ["nour", "nur"],
}
KUNYA = ["harith", "hamza", "bakr", "talha", "omar", "khalid", "yusuf", "ibrahim", "abdullah", "mohammed"]

#: Confusable substitutions that survive the ASCII handle alphabet.
HOMOGLYPHS: dict[str, str] = {"l": "1", "o": "0", "i": "1", "e": "3", "a": "4", "s": "5"}
#: Letters that render alike when doubled into another (m -> rn).
DIGRAPHS: dict[str, str] = {"m": "rn", "w": "vv"}


def clamp(handle: str) -> str:
    return handle[:MAX_HANDLE].strip("_") or "user"


def ordinary_handle(rng: random.Random, lang: str) -> tuple[str, str]:
    """A (handle, display name) pair following the usual naming patterns."""
    first = rng.choice(FIRST.get(lang, FIRST["en"]))
    last = rng.choice(LAST.get(lang, LAST["en"]))
    pattern = rng.random()
    if pattern < 0.22:
        handle = f"{first}_{last}"
    elif pattern < 0.40:
        handle = f"{first}{last}"
    elif pattern < 0.60:
        handle = f"{first}_{last}{rng.randint(1, 99)}"
    elif pattern < 0.75:
        handle = f"{first}{last}{rng.randint(1, 999)}"
    elif pattern < 0.85:
        handle = f"{first}{rng.randint(1, 9999)}"
    elif pattern < 0.92:
        handle = f"{first}_{last[0]}{rng.randint(0, 99)}"
    else:
        handle = f"the_{first}{last}"
    display = f"{first.title()} {last.title()}"
    if lang == "ar" and rng.random() < 0.6:
        display = AR_DISPLAY.get(first, display)
    return clamp(handle), display


def unique(handle: str, taken: set[str], rng: random.Random) -> str:
    """``handle`` or, when taken, a variant with a random digit suffix."""
    candidate = handle
    width = 1
    while candidate in taken:
        suffix = str(rng.randint(0, 10**width - 1))
        candidate = clamp(handle[: MAX_HANDLE - len(suffix)] + suffix)
        width = min(width + 1, 6)
    taken.add(candidate)
    return candidate


# --- evasion techniques: each returns a new handle or None when it does not apply ------------


def digit_suffix(h: str, rng: random.Random) -> str | None:
    return clamp(h[: MAX_HANDLE - 2] + str(rng.randint(1, 99)))


def increment(h: str, rng: random.Random) -> str | None:
    i = len(h)
    while i > 0 and h[i - 1].isdigit():
        i -= 1
    if i == len(h):
        return clamp(h[: MAX_HANDLE - 1] + "2")
    return clamp(h[:i] + str(int(h[i:]) + 1))


def separator(h: str, rng: random.Random) -> str | None:
    if "_" in h and rng.random() < 0.5:
        return h.replace("_", "", 1)
    if "_" in h:
        return clamp(h.replace("_", "__", 1))
    cut = rng.randint(1, max(1, len(h) - 1))
    return clamp(h[:cut] + "_" + h[cut:])


def swap(h: str, rng: random.Random) -> str | None:
    spots = [i for i in range(len(h) - 1) if h[i].isalpha() and h[i + 1].isalpha() and h[i] != h[i + 1]]
    if not spots:
        return None
    i = rng.choice(spots)
    return h[:i] + h[i + 1] + h[i] + h[i + 2 :]


def double(h: str, rng: random.Random) -> str | None:
    spots = [i for i, c in enumerate(h) if c.isalpha()]
    if not spots:
        return None
    i = rng.choice(spots)
    return clamp(h[: i + 1] + h[i] + h[i + 1 :])


def homoglyph(h: str, rng: random.Random) -> str | None:
    spots = [i for i, c in enumerate(h) if c in HOMOGLYPHS or c in DIGRAPHS]
    if not spots:
        return None
    i = rng.choice(spots)
    c = h[i]
    return clamp(h[:i] + (HOMOGLYPHS.get(c) or DIGRAPHS[c]) + h[i + 1 :])


def transliteration(h: str, rng: random.Random) -> str | None:
    parts = h.split("_")
    for idx in rng.sample(range(len(parts)), len(parts)):
        base = parts[idx].rstrip("0123456789")
        tail = parts[idx][len(base) :]
        for canon, variants in TRANSLIT.items():
            if base == canon:
                parts[idx] = rng.choice(variants) + tail
                return clamp("_".join(parts))
            if base in variants:
                parts[idx] = rng.choice([canon, *[v for v in variants if v != base]]) + tail
                return clamp("_".join(parts))
    return None


def new_name(h: str, rng: random.Random) -> str | None:
    return clamp(f"{rng.choice(['abu', 'ibn', 'umm'])}_{rng.choice(KUNYA)}{rng.randint(1, 999)}")


def drop_letter(h: str, rng: random.Random) -> str | None:
    spots = [i for i in range(1, len(h) - 1) if h[i].isalpha()]
    if len(spots) < 3:
        return None
    i = rng.choice(spots)
    return h[:i] + h[i + 1 :]


def prefix(h: str, rng: random.Random) -> str | None:
    return clamp(rng.choice(["the", "real", "x", "its", "new", "official"]) + rng.choice(["_", ""]) + h)


def underscore(h: str, rng: random.Random) -> str | None:
    return h.replace("_", "") if "_" in h else None


def reorder(h: str, rng: random.Random) -> str | None:
    parts = [p for p in h.split("_") if p]
    if len(parts) < 2:
        return None
    return clamp("_".join(parts[1:] + parts[:1]))


TECHNIQUES: dict[str, Callable[[str, random.Random], str | None]] = {
    "digit_suffix": digit_suffix,
    "increment": increment,
    "separator": separator,
    "swap": swap,
    "double": double,
    "homoglyph": homoglyph,
    "transliteration": transliteration,
    "new_name": new_name,
    "drop_letter": drop_letter,
    "prefix": prefix,
    "underscore": underscore,
    "reorder": reorder,
}

#: The renaming habits of the first simulator versions (look-alikes built at the start use these,
#: so that fixed-scenario worlds stay as they were).
CLASSIC = ("digit_suffix", "increment", "separator", "swap", "double", "homoglyph", "transliteration", "new_name")

#: Display names worn by many unrelated accounts: a shared one names nobody.
GENERIC_DISPLAY = ["News", "Updates", "Media", "Archive", "Daily Reminders", "Info", "Voice", "The Truth", "Channel"]


def evade(h: str, technique: str, rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """Derive a free handle from ``h`` by ``technique``, falling back to a digit suffix.

    Returns ``(handle, technique actually used)`` so that the truth records what happened.
    """
    for name in (technique, "digit_suffix", "increment"):
        for _ in range(4):
            candidate = TECHNIQUES[name](h, rng)
            if candidate and candidate != h and candidate not in taken:
                taken.add(candidate)
                return candidate, name
    return unique(h, taken, rng), "digit_suffix"


def network_handle(rng: random.Random, role: str, slug: str, region: str, index: int) -> str:
    """A first-incarnation handle for a network account of the given role."""
    if role == "official":
        return clamp(f"{slug}_official" if index == 0 else f"{slug}_banner{index}")
    if role == "media":
        return clamp(f"{slug}_{['media', 'news', 'voice', 'wire', 'films'][index % 5]}")
    if role == "affiliate":
        return clamp(f"{slug}_{region}")
    return clamp(f"{rng.choice(['abu', 'abu', 'ibn', 'umm'])}_{rng.choice(KUNYA)}")
