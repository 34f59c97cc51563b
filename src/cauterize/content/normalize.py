"""Text normalisation shared by training and inference: the two must see the same string.

Arabic is written with optional diacritics, decorative stretching (tatweel) and several
interchangeable spellings of alef, ya and ta marbuta; Arabizi writes Arabic in Latin letters
with digits for the sounds Latin lacks. Without folding these, one word becomes a dozen
features that each look rare, and an evader only needs to add a kasra to slip past.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Harakat, shadda, sukun, superscript alef and Quranic annotation marks.
_AR_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_AR_FOLD = str.maketrans(
    {
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0622": "\u0627",  # آ -> ا
        "\u0671": "\u0627",  # ٱ -> ا
        "\u0649": "\u064a",  # ى -> ي
        "\u0629": "\u0647",  # ة -> ه
        "\u06cc": "\u064a",  # Persian ی -> ي
        "\u06a9": "\u0643",  # Persian ک -> ك
        "\u0624": "\u0648",  # ؤ -> و
        "\u0626": "\u064a",  # ئ -> ي
        # Arabic-Indic and Persian digits read as ASCII digits.
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)

_URL = re.compile(r"(?:https?://|www\.)\S+")
# A mention starts a word: "k@fir" is leetspeak, not a mention of "@fir".
_MENTION = re.compile(r"(?<![\w@$])@\w+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# The retweet marker: only a data set's export habit, never language.
_RT = re.compile(r"(?<!\S)rt(?!\S)")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_DIGIT = re.compile(r"\d")
_DIGIT_IN_WORD = re.compile(r"[a-z][235679]|[235679][a-z]")
# Punctuation becomes a space so that ``str.split`` is the tokeniser ("_" and "'" stay: they are
# inside placeholder tokens and contractions).
_PUNCT_TO_SPACE = str.maketrans(
    {
        **{c: " " for c in '!"#$%&()*+,-./:;<=>?[\\]^`{|}~\u060c\u061b\u061f\u06d4\u201c\u201d\u2026\u00ab\u00bb'},
        "\u2018": "'",
        "\u2019": "'",
    }
)
_ASCII_PUNCT = b'!"#$%&()*+,-./:;<=>?[\\]^`{|}~'
_ASCII_PUNCT_TO_SPACE = bytes.maketrans(_ASCII_PUNCT, b" " * len(_ASCII_PUNCT))
# A number standing alone says little and varies endlessly; inside a word it may be Arabizi.
_LONE_NUMBER = re.compile(r"(?<![^\W_])\d+(?![^\W_])")
_LATIN_WORD = re.compile(r"[a-z0-9']+")

#: Lone numbers collapse to this token. Links and @mentions are dropped outright: which data set a
#: tweet came from decides how many links it carries, so a link feature learns the data set, not the
#: language (issue 11: "@bob thanks!" scored 0.96 through a placeholder token).
NUM_TOKEN = "0"

# Invisible characters an evader puts inside a word to split it into unseen tokens: zero-width
# space/non-joiner/joiner, word joiner and invisible operators, BOM, soft hyphen, Arabic letter
# mark, Mongolian vowel separator, and the bidi embeddings, overrides, isolates and marks.
_INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x034F,
        0x061C,
        0x180E,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
        0xFEFF,
    ]
)
_INVISIBLE_RE = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")

# Letters of other scripts that look like Latin letters, folded to the letter of the UTS #39
# skeleton (confusables.txt). Only the lower-case forms are listed: the text is case-folded first,
# and NFKC has already folded full-width and mathematical letters. The subset is the Cyrillic,
# Greek, Armenian and Latin-extension letters that pass for a-z in a Latin word; the full table
# (~6,000 entries, mostly symbols) would need a new dependency for little more coverage.
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "\u0430": "a",
    "\u0435": "e",
    "\u043e": "o",
    "\u0440": "p",
    "\u0441": "c",
    "\u0443": "y",
    "\u0445": "x",
    "\u0456": "i",
    "\u0458": "j",
    "\u0455": "s",
    "\u0501": "d",
    "\u051b": "q",
    "\u051d": "w",
    "\u04bb": "h",
    "\u04cf": "l",
    "\u0457": "i",
    "\u0491": "r",
    "\u044c": "b",
    "\u0432": "b",
    "\u043a": "k",
    "\u043c": "m",
    "\u043d": "h",
    "\u0442": "t",
    "\u0433": "r",
    "\u0475": "v",
    "\u04e9": "o",
    "\u0461": "w",
    "\u0454": "e",
    # Greek
    "\u03bf": "o",
    "\u03b1": "a",
    "\u03bd": "v",
    "\u03b9": "i",
    "\u03ba": "k",
    "\u03c1": "p",
    "\u03c4": "t",
    "\u03c5": "u",
    "\u03c7": "x",
    "\u03b5": "e",
    "\u03b7": "n",
    "\u03c9": "w",
    "\u03f3": "j",
    "\u03b2": "b",
    "\u03b3": "y",
    # Armenian
    "\u0585": "o",
    "\u0578": "n",
    "\u057d": "u",
    "\u0570": "h",
    "\u0561": "w",
    "\u0563": "q",
    # Latin letters that only look like a-z
    "\u0131": "i",
    "\u0237": "j",
    "\u0251": "a",
    "\u0261": "g",
    "\u026a": "i",
    "\u0269": "i",
    "\u1d00": "a",
    "\u1d04": "c",
    "\u1d0f": "o",
    "\u1d1c": "u",
    "\u1d20": "v",
    "\u1d21": "w",
    "\u1d22": "z",
    "\u0280": "r",
    "\u0299": "b",
    "\u029c": "h",
    "\u029f": "l",
    "\u0274": "n",
    "\u01c0": "l",
}
_CONFUSABLE_FOLD = str.maketrans(CONFUSABLES)
_CONFUSABLE_RE = re.compile("[" + "".join(CONFUSABLES) + "]")
_LATIN_LETTERS = "a-z\u00df-\u00ff\u0100-\u024f\u1e00-\u1eff"
_LATIN_RE = re.compile(f"[{_LATIN_LETTERS}]")
# Greek, Cyrillic and Armenian letters: a look-alike next to one of these belongs to that word.
_LOOKALIKE_SCRIPT = re.compile("[\u0370-\u03ff\u0400-\u052f\u0530-\u058f]")
_FOLD_RUN = re.compile(f"[{_LATIN_LETTERS}{''.join(CONFUSABLES)}]+")

# Leetspeak: digits and symbols written for letters inside a Latin word ("k1ll", "d3@th").
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_TOKEN = re.compile(r"(?<![\w@$])[a-z0-9@$]*[a-z][a-z0-9@$]*(?![\w@$])")
_LEET_ONLY = frozenset("014@$")
# Words that 3/5/7 alone may spell in leetspeak ("th3m", "5hoot"); any other word with only those
# digits is left to the Arabizi reader. Short on purpose: a wrong entry turns Arabizi into noise.
_LEET_WORDS = frozenset(
    [
        "the",
        "them",
        "they",
        "these",
        "those",
        "their",
        "there",
        "then",
        "this",
        "that",
        "we",
        "he",
        "she",
        "me",
        "be",
        "are",
        "were",
        "will",
        "shall",
        "death",
        "dead",
        "die",
        "kill",
        "kills",
        "killed",
        "killer",
        "shoot",
        "shot",
        "bomb",
        "bombs",
        "blast",
        "attack",
        "attacks",
        "threat",
        "burn",
        "slaughter",
        "behead",
        "execute",
        "massacre",
        "strike",
        "martyr",
        "martyrs",
        "jihad",
        "isis",
        "islamic",
        "state",
        "caliphate",
        "khilafah",
        "baqiyah",
        "soldiers",
        "soldier",
        "brothers",
        "brother",
        "sister",
        "sisters",
        "infidel",
        "infidels",
        "apostate",
        "apostates",
        "crusader",
        "crusaders",
        "release",
        "statement",
        "media",
        "office",
        "wilayah",
        "allegiance",
        "pledge",
        "join",
        "migrate",
        "hijrah",
        "rise",
        "victory",
        "glory",
        "enemies",
        "enemy",
        "revenge",
        "blood",
        "terror",
        "terrorist",
        "terrorists",
    ]
)
_LEET_HINT = re.compile(r"[a-z][0134578@$]|[0134578@$][a-z]")
# Numbers with a unit or an ordinal ("5pm", "1kg", "2nd") are not leetspeak.
_UNIT = re.compile(r"^\d+(?:am|pm|st|nd|rd|th|kg|km|mm|cm|ml|gb|mb|h|k|m|g|s|x)$")
# Arabizi digits stand for letters Latin lacks. 9 is qaf in the Gulf, sad in the Levant: qaf is
# the commoner reading in the tweets this was written for; the ambiguity is in the model card.
_ARABIZI_DIGITS = {
    "2": "\u0621",
    "3": "\u0639",
    "5": "\u062e",
    "6": "\u0637",
    "7": "\u062d",
    "8": "\u063a",
    "9": "\u0642",
}
_ARABIZI_DIGRAPHS = {
    "sh": "\u0634",
    "ch": "\u0634",
    "kh": "\u062e",
    "gh": "\u063a",
    "th": "\u062b",
    "dh": "\u0630",
    "aa": "\u0627",
    "ee": "\u064a",
    "ii": "\u064a",
    "oo": "\u0648",
    "ou": "\u0648",
    "uu": "\u0648",
}
_ARABIZI_LETTERS = {
    "b": "\u0628",
    "t": "\u062a",
    "j": "\u062c",
    "g": "\u062c",
    "d": "\u062f",
    "r": "\u0631",
    "z": "\u0632",
    "s": "\u0633",
    "f": "\u0641",
    "q": "\u0642",
    "k": "\u0643",
    "l": "\u0644",
    "m": "\u0645",
    "n": "\u0646",
    "h": "\u0647",
    "w": "\u0648",
    "y": "\u064a",
    "p": "\u0628",
    "v": "\u0641",
    "c": "\u0643",
    "x": "\u0643\u0633",
    "i": "\u064a",
    "o": "\u0648",
    "u": "\u0648",
}
# A Latin word with an Arabizi digit inside or next to letters: "7abibi", "3arab", "ba2a".
# Words that merely end or start in digits the English way ("mp3", "4u", "2day") do not count.
_ARABIZI_TOKEN = re.compile(r"^(?=.*[a-z])(?=.*[235679])[a-z]*[235679][a-z235679]*$")
_ENGLISH_DIGIT_WORDS = frozenset(
    {"2day", "2moro", "2morrow", "2nite", "b2b", "p2p", "g2g", "2go", "2u", "mp3", "3d", "5g"}
)


def normalize_arabic(text: str) -> str:
    """Remove diacritics and tatweel, fold alef/ya/ta marbuta/hamza-seat variants."""
    return _AR_DIACRITICS.sub("", text.replace(_TATWEEL, "")).translate(_AR_FOLD)


def strip_invisible(text: str) -> str:
    """Remove zero-width, soft-hyphen and bidi control characters."""
    return text.translate(_INVISIBLE) if _INVISIBLE_RE.search(text) else text


def fold_confusables(text: str) -> str:
    """Fold look-alike letters of other scripts to the Latin letter of their skeleton.

    Folding works on runs of Latin letters and look-alikes. A run with a Latin letter is a Latin
    word with look-alikes inside ("kіll" with a Cyrillic i becomes "kill"); a run of look-alikes
    only is folded when it stands alone, not when it is part of a word of its own script, so a
    Russian or Greek sentence keeps its letters.
    """
    if not _CONFUSABLE_RE.search(text):
        return text

    def fold(m: re.Match[str]) -> str:
        run = m.group(0)
        if not _CONFUSABLE_RE.search(run):
            return run
        if not _LATIN_RE.search(run):
            start, end = m.start(), m.end()
            if (start and _LOOKALIKE_SCRIPT.match(text[start - 1])) or (
                end < len(text) and _LOOKALIKE_SCRIPT.match(text[end])
            ):
                return run
        return run.translate(_CONFUSABLE_FOLD)

    return _FOLD_RUN.sub(fold, text)


def _unleet_word(word: str, sure: bool) -> str:
    plain = "".join(_LEET.get(c, c) for c in word)
    # 3, 5 and 7 are also Arabizi letters: a word with only those is read as leetspeak when the
    # line has an unambiguous leet word (0, 1, 4 or a symbol) or when it spells a listed word;
    # otherwise it stays for the Arabizi reader ("3arab", "7abibi").
    if sure or not _LEET_ONLY.isdisjoint(word) or plain in _LEET_WORDS:
        return plain
    return word


def unleet(text: str) -> str:
    """Read leetspeak letters back in Latin words that mix letters with 0/1/3/4/5/7/@/$."""
    if not _LEET_HINT.search(text):
        return text
    words = [m.group(0) for m in _LEET_TOKEN.finditer(text)]
    mixed = [w for w in words if _LEET_HINT.search(w) and not _UNIT.match(w)]
    if not mixed:
        return text
    sure = any(not _LEET_ONLY.isdisjoint(w) for w in mixed)

    def swap(m: re.Match[str]) -> str:
        w = m.group(0)
        return _unleet_word(w, sure) if _LEET_HINT.search(w) and not _UNIT.match(w) else w

    return _LEET_TOKEN.sub(swap, text)


def is_arabizi_token(token: str) -> bool:
    return token not in _ENGLISH_DIGIT_WORDS and not _UNIT.match(token) and bool(_ARABIZI_TOKEN.match(token))


def arabizi_to_arabic(token: str) -> str:
    """Transliterate one lower-case Arabizi word to (normalised) Arabic script.

    Short vowels are not written in Arabic, so ``a``/``e`` inside a word vanish while a word-initial
    vowel becomes alef and a final ``a`` becomes alef; ``i``/``o``/``u`` are read as long vowels.
    This is lossy on purpose: it only has to land on the same features as the Arabic spelling often
    enough to help, not to produce correct Arabic.
    """
    out: list[str] = []
    i, n = 0, len(token)
    while i < n:
        ch = token[i]
        pair = token[i : i + 2]
        if i == 0 and ch in "aeiou":
            out.append("\u0627")
            i += 2 if pair in _ARABIZI_DIGRAPHS else 1
            continue
        if pair in _ARABIZI_DIGRAPHS:
            out.append(_ARABIZI_DIGRAPHS[pair])
            i += 2
            continue
        if ch in _ARABIZI_DIGITS:
            out.append(_ARABIZI_DIGITS[ch])
        elif ch in "ae":
            if i == n - 1 and ch == "a":
                out.append("\u0627")
        elif ch in _ARABIZI_LETTERS:
            out.append(_ARABIZI_LETTERS[ch])
        elif ch.isdigit():
            out.append(ch)
        i += 1
    return normalize_arabic("".join(out))


def transliterate_arabizi(text: str) -> str:
    """Rewrite the Arabizi in already-folded text into Arabic script.

    Words with an Arabizi digit are always rewritten. The other Latin words of the text are only
    rewritten when Arabizi words make up at least a third of them: "ana 7abibi" is Arabizi through
    and through, while one "7abibi" in an English sentence should not turn the English into noise.
    """
    words = _LATIN_WORD.findall(text)
    if not words:
        return text
    marked = [w for w in words if is_arabizi_token(w)]
    if not marked:
        return text
    whole = len(marked) * 3 >= len(words)

    def swap(m: re.Match[str]) -> str:
        w = m.group(0)
        if is_arabizi_token(w) or (whole and w.isalpha() and not w.startswith("_")):
            return arabizi_to_arabic(w)
        return w

    return re.sub(r"(?<![\w])[a-z0-9']+(?![\w])", swap, text)


def normalize(text: str) -> str:
    """The one normal form every classifier reads (see ``_normalize_once``), and a fixed point of
    itself: an "@" that survives one pass ("$@7", "@a@7": a mention hidden behind a leet sign or
    another mention) is what a second pass would drop, so the rare text that keeps one is passed
    again, and a post scores the same whether or not someone normalised it first."""
    out = _normalize_once(text)
    for _ in range(3):
        if "@" not in out:
            break
        again = _normalize_once(out)
        if again == out:
            break
        out = again
    return out


def _normalize_once(text: str) -> str:
    """One pass of the normal form.

    Invisible characters are removed, HTML entities decoded (some exports double-escape),
    compatibility forms, case and look-alike letters folded, links, @mentions and the RT marker
    dropped (a handle is an identifier, not language, and how many links a tweet carries tells data
    sets apart, not propaganda from chatter), leetspeak read back, lone numbers collapsed, Arabic
    folded and Arabizi transliterated. Each step is skipped when a cheap test shows it has nothing
    to do: this runs on every post.
    """
    if not text.isascii():
        text = strip_invisible(text)
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        # NFKC may leave invisible characters that a compatibility form hid.
        text = strip_invisible(text)
    text = text.casefold()
    if not text.isascii():
        text = fold_confusables(text)
        if "&" in text:
            # An entity whose letters were look-alikes ("&аmp;") decodes only once they are folded.
            text = html.unescape(html.unescape(text))
        # Arabic first: a diacritic after "@" would otherwise hide a mention until the second pass.
        if _ARABIC_SCRIPT.search(text):
            text = normalize_arabic(text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _MENTION.sub(" ", _EMAIL.sub(" ", text))
    if "@" in text or "$" in text or _DIGIT.search(text):
        text = unleet(text)
    if "rt" in text:
        text = _RT.sub(" ", text)
    if _DIGIT.search(text):
        # Most digits in posts are numbers and times; only a digit touching a letter can be Arabizi.
        if _DIGIT_IN_WORD.search(text):
            text = transliterate_arabizi(text)
        text = _LONE_NUMBER.sub(NUM_TOKEN, text)
    if text.isascii():
        # bytes.translate is a table lookup in C; str.translate with a dict is a dict call per character.
        return " ".join(text.encode().translate(_ASCII_PUNCT_TO_SPACE).decode().split())
    return " ".join(text.translate(_PUNCT_TO_SPACE).split())
