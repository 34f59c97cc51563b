"""Who a threat is aimed at, by rules a reviewer can check.

The threat model says *whether* a post threatens; these rules say *whom*, because the response
differs: a named person may need a warning, staff of a company mean the company's security team,
a place means possibly the police. No labelled data exists to learn target types (the public
threat sets target protected groups only), so rules it is, each returning the span it matched.
Order matters: "staff of ExamplePlatform" is a proper name too, but the staff are the target:
staff, then places, then collectives, then proper names, then an @mention or a reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cauterize.content.normalize import normalize_arabic

TARGET_TYPES = ("named_person", "employees", "place", "group", "unspecified")

_EMPLOYEES = re.compile(
    r"\b(?:staff|employees?|workers|moderators|engineers|managers|executives|personnel|workforce)\b"
    r"(?:\s+(?:of|at|from)\b)?"
    r"|\beveryone who works (?:at|for)\b"
    r"|\b(?:employés|salariés|personnel|travailleurs)\s+(?:de|d'|du|chez)"
    r"|(?:موظفي|موظفين|عمال|العاملين في)",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(?:station|school|mall|office|headquarters|hq|square|church|mosque|synagogue|temple|stadium|airport|"
    r"market|embassy|campus|concert|festival|parade|hospital|gare|école|marché|église|mosquée|aéroport)\b"
    r"|(?:مدرسه|مسجد|كنيسه|سوق|محطه|مطار|سفاره|ملعب)"
)
_GROUP = re.compile(
    r"\b(?:all|those|these|every)\s+(?!of\b|the\b|this\b|that\b|you\b|day\b|time\b)\w+|\bmembers of\b"
    r"|\b(?:women|men|muslims|jews|christians|immigrants|refugees|migrants|black people|gay people|gays|"
    r"trans people|disabled people|members|fans)\b"
    r"|\b(?:femmes|musulmans|juifs|chrétiens|immigrés|réfugiés|migrants|noirs|homosexuels|handicapés|tous les|toutes les)\b"
    r"|(?:النساء|المسلمين|اليهود|المسيحيين|اللاجيين|المهاجرين|السود|المثليين|المعاقين|كل ال)",
    re.IGNORECASE,
)
# Two or more capitalised words: "Dana Reyes", "Mira Okonkwo-Hale" (sentence openers filtered below).
_PROPER_NAME = re.compile(r"\b[A-Z][a-z]+(?:[- ][A-Z][a-z]+)+\b")
_NOT_NAMES = frozenset({"I", "We", "The", "You", "They", "This", "That", "All", "Those", "These", "Every", "Get"})


@dataclass(frozen=True, slots=True)
class Target:
    type: str
    span: tuple[int, int] | None = None
    text: str | None = None


def _found(kind: str, m: re.Match[str] | None) -> Target | None:
    if m is None:
        return None
    return Target(kind, (m.start(), m.end()), m.group(0))


def threat_target(text: str, mentions: int = 0) -> Target:
    """The most specific target type the text shows, with the span that showed it.

    ``mentions`` counts the @mentions or the reply target the platform resolved: a threat in a
    reply or aimed at an @handle is aimed at a person even when the words do not name one.
    """
    folded = normalize_arabic(text)
    # A collective ("all X", "members of") comes before a proper name: "members of the Lantern
    # Society" names a society, but the people threatened are its members.
    for kind, pattern in (("employees", _EMPLOYEES), ("place", _PLACE), ("group", _GROUP)):
        hit = _found(kind, pattern.search(folded))
        if hit:
            return hit
    name = next((m for m in _PROPER_NAME.finditer(text) if m.group(0).split()[0] not in _NOT_NAMES), None)
    if name is not None:
        return Target("named_person", (name.start(), name.end()), name.group(0))
    mention = re.search(r"@\w+", text)
    if mention or mentions:
        return Target(
            "named_person", (mention.start(), mention.end()) if mention else None, mention and mention.group(0)
        )
    return Target("unspecified")
