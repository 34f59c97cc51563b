"""Hand-written cue features: a word for violence, a marker of intent, and the two together.

Threat data is a few hundred sentences from a few hundred templates; a template-disjoint test
meets verbs the model never saw next to a target. A short list of violence words and intent
markers (in English, French and normalised Arabic) gives the linear model a feature that every
threat template shares, so it can learn "violence + intent" once instead of once per verb.
These are words any annotator would write down; none comes from the evaluation data.

Matching is by set membership on the post's word n-grams (already computed for the model), not
by regular expression: this runs on every post, and an alternation of a hundred words tried at
every character costs more than the whole linear model.
"""

from __future__ import annotations

import re
from collections.abc import Set

_STEMS_EN = [
    "kill",
    "murder",
    "shoot",
    "stab",
    "slaughter",
    "behead",
    "lynch",
    "burn",
    "bomb",
    "hurt",
    "attack",
    "torture",
    "execute",
    "exterminate",
    "eliminate",
    "massacre",
    "strangle",
    "bleed",
    "suffer",
    "destroy",
    "hunt",
    "drown",
    "choke",
    "crush",
    "annihilate",
    "eradicate",
    "exterminate",
]
_SUFFIXES_EN = ("", "s", "ed", "ing", "er", "ers", "d", "es")
VIOLENCE_WORDS: frozenset[str] = frozenset(
    {s + x for s in _STEMS_EN for x in _SUFFIXES_EN}
    | {s[:-1] + x for s in _STEMS_EN if s.endswith("e") for x in ("ing", "ed", "er", "ers")}
    | set(
        [
            "shot",
            "shooting",
            "hanged",
            "die",
            "dead",
            "death",
            "gunned",
            "stabbing",
            "tuer",
            "tue",
            "tuez",
            "tuons",
            "tuerai",
            "tuerons",
            "tué",
            "tués",
            "tuée",
            "tuées",
            "abattus",
            "abattu",
            "pendus",
            "pendu",
            "brûlés",
            "égorgés",
            "massacrés",
            "exterminés",
            "éliminés",
            "fusiller",
            "fusillés",
            "crèvent",
            "massacrer",
            "égorger",
            "égorgez",
            "brûler",
            "brûlez",
            "frapper",
            "abattre",
            "exécuter",
            "poignarder",
            "pendre",
            "buter",
            "crever",
            "mourir",
            "mourra",
            "mourrez",
            "saigner",
            "payer",
            "paieront",
            "paiera",
            "souffrir",
            "détruire",
            "exterminer",
            "éliminer",
        ]
    )
)
VIOLENCE_PHRASES: frozenset[str] = frozenset(
    {
        "blow up",
        "pay for",
        "wipe out",
        "gun down",
        "beat up",
        "get rid",
        "be hanged",
        "hang them",
        "à mort",
        "faire sauter",
    }
)
INTENT_WORDS: frozenset[str] = frozenset(
    [
        "i'll",
        "we'll",
        "gonna",
        "deserve",
        "deserves",
        "deserved",
        "next",
        "sera",
        "seront",
        "doivent",
        "devraient",
        "mérite",
        "méritent",
        "should",
        "must",
        "want",
        "wanna",
        "i'd",
        "we'd",
        "hope",
        "veux",
        "voulons",
        "vais",
        "allons",
        "faut",
        "faudrait",
        "devrait",
        "devrais",
        "mériteraient",
    ]
)
INTENT_PHRASES: frozenset[str] = frozenset(
    {
        "i will",
        "we will",
        "going to",
        "should be",
        "should all",
        "must be",
        "need to",
        "needs to",
        "will be",
        "want to",
        "better watch",
        "je vais",
        "on va",
        "nous allons",
        "vous allez",
        "il faut",
        "love to",
        "like to",
    }
)
#: Words that report or quote speech, or push back against it. A threat quoted in order to
#: condemn it ("saying X should be shot is vile", "il a écrit que ...") has every word of the
#: threat; what sets it apart is a verb of saying or a reaction around it. With violence present
#: the cue lets the model learn "violence inside reported speech" once, whatever the verb.
SPEECH_WORDS: frozenset[str] = frozenset(
    [
        "say",
        "says",
        "said",
        "saying",
        "wrote",
        "write",
        "writes",
        "comments",
        "statement",
        "statements",
        "threat",
        "threats",
        "threatened",
        "reported",
        "quote",
        "quoted",
        "unacceptable",
        "dire",
        "dit",
        "disent",
        "disant",
        "écrit",
        "écrivent",
        "menace",
        "menaces",
        "propos",
        "signalé",
        "commentaires",
        "inacceptable",
    ]
)
SPEECH_PHRASES: frozenset[str] = frozenset(
    {"stuff like", "things like", "words like", "such as", "du type", "never ok", "not ok", "have to stop"}
)
# Arabic attaches prefixes (future sa-, conjunctions) to verbs, so stems are matched inside words,
# and only when the text has Arabic letters at all. Stems that are also common words ("fajr" is
# the dawn prayer) are left out.
_AR_VIOLENCE = re.compile(
    "قتل|ذبح|احرق|حرق|ضرب|اعدام|تفجير|يموت|تموت|موته|ابيد|اباده|نبيد|سحق|طعن|نحر|خلص[^\\s]* من|"
    "يتحرق|شنق|رقاب|نفني|يفني|ينهي|اغتصب|اغتصاب|مطوه|سكين"
)
# Egyptian marks the future with a prefixed ha- ("ha-adrab", I will hit): a word of ha + a verb
# prefix or consonant, minus the common words that start with the same letter.
_AR_INTENT = re.compile(
    r"سوف|(?:^|\s)س[نتيا]|يجب|لازم|راح|يستاهل|يستحق|عاوز|عايز|بدي|بدنا|ابغي|نبغي|ناوي|نفسي|خلونا|"
    r"(?:^|\s)(?!هذ|هو\b|هي\b|هم\b|هما|هن\b|هنا|هل\b|هكذ|هيك|هدف|هجم|هجو|هاي|هيا|هلا|هاد|هدي)ه[^\s]{2,}"
)
_AR_SPEECH = re.compile("قال|قول|قلت|كتب|تهديد|ابلغ|بلاغ|تعليق|عبار|كلام")
_ARABIC = re.compile("[\u0600-\u06ff]")

VIOLENCE = "\x00violence"
INTENT = "\x00intent"
BOTH = "\x00violence+intent"
SPEECH = "\x00violence+speech"


def cues(normalized: str, ngrams: Set[str]) -> list[str]:
    """The cue features of a normalised text whose word unigrams and bigrams are ``ngrams``.

    The NUL prefix keeps cue features apart from any real word.
    """
    violence = not VIOLENCE_WORDS.isdisjoint(ngrams) or not VIOLENCE_PHRASES.isdisjoint(ngrams)
    intent = violence and (not INTENT_WORDS.isdisjoint(ngrams) or not INTENT_PHRASES.isdisjoint(ngrams))
    speech = violence and (not SPEECH_WORDS.isdisjoint(ngrams) or not SPEECH_PHRASES.isdisjoint(ngrams))
    arabic = not normalized.isascii() and _ARABIC.search(normalized) is not None
    if not violence and arabic:
        violence = _AR_VIOLENCE.search(normalized) is not None
        intent = violence and _AR_INTENT.search(normalized) is not None
    elif violence and not intent and arabic:
        intent = _AR_INTENT.search(normalized) is not None
    if violence and not speech and arabic:
        speech = _AR_SPEECH.search(normalized) is not None
    if not violence:
        return []
    if speech:
        # Reported or rebutted: the violence cues' weight, learnt from threats, must not apply.
        return [SPEECH]
    return [VIOLENCE, INTENT, BOTH] if intent else [VIOLENCE]
