"""Hand-written cue features: a word for violence, a marker of intent, and the two together.

Threat data is a few hundred sentences from a few hundred templates; a template-disjoint test
meets verbs the model never saw next to a target. A short list of violence words and intent
markers (in English, French and normalised Arabic) gives the linear model a feature that every
threat template shares, so it can learn "violence + intent" once instead of once per verb.
These are words any annotator would write down; none comes from the evaluation data.
"""

from __future__ import annotations

import re

_VIOLENCE = re.compile(
    r"\b(?:kill\w*|murder\w*|shoot\w*|shot|stab\w*|slaughter\w*|behead\w*|hang(?:ed)?|lynch\w*|burn\w*|bomb\w*|"
    r"blow(?:ing)? up|hurt\w*|attack\w*|beat(?:en)? up|tortur\w*|execut\w*|extermin\w*|eliminat\w*|massacr\w*|"
    r"strangl\w*|wipe(?:d)? out|bleed\w*|die|dead|suffer\w*|pay for|destroy\w*|gun(?:ned)? down|"
    r"tuer|tue|tuerai\w*|tuons|massacr\w*|égorg\w*|brûl\w*|frapp\w*|abatt\w*|exécut\w*|poignard\w*|pendre|"
    r"buter|crever|mour\w*|saign\w*|payer|souffr\w*|détrui\w*|extermin\w*|élimin\w*)\b"
    # Arabic stems (normalised: ة->ه, أ->ا); prefixes and suffixes attach, so no word boundaries.
    # Stems that are also common words ("fajr" is the dawn prayer, "dam" is in many words) are left out.
    r"|قتل|ذبح|احرق|حرق|اضرب|نضرب|اعدام|تفجير|سيموت|يموتو|ابيد|اباده|نبيد|سحق|طعن|نحر"
)
_INTENT = re.compile(
    r"\b(?:i will|i'll|i am going to|i'm going to|im going to|gonna|we will|we'll|we are going to|"
    r"should be|should all|deserve\w*|must be|need to be|needs to be|will be|i want to|next|better watch|"
    r"je vais|on va|nous allons|vous allez|devrai\w*|doivent|il faut|mérit\w*|seront|sera)\b"
    r"|سوف|سن|سا|يجب|لازم|راح|يستاهل|يستحق"
)

VIOLENCE = "\x00violence"
INTENT = "\x00intent"
BOTH = "\x00violence+intent"


def cues(normalized: str) -> list[str]:
    """The cue features present in a normalised text (the NUL prefix keeps them apart from words)."""
    violence = _VIOLENCE.search(normalized) is not None
    if not violence:
        return []
    if _INTENT.search(normalized) is not None:
        return [VIOLENCE, INTENT, BOTH]
    return [VIOLENCE]
