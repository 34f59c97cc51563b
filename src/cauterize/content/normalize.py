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
_MENTION = re.compile(r"@\w+")
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
_LONE_NUMBER = re.compile(r"(?<![^\W\d_])\d+(?![^\W\d_])")
_LATIN_WORD = re.compile(r"[a-z0-9']+")

#: Tokens the normaliser substitutes; they are features in their own right.
URL_TOKEN = "_url_"
USER_TOKEN = "_user_"
NUM_TOKEN = "0"

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


def is_arabizi_token(token: str) -> bool:
    return token not in _ENGLISH_DIGIT_WORDS and bool(_ARABIZI_TOKEN.match(token))


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
    """The one normal form every classifier reads.

    HTML entities are decoded (some exports double-escape), compatibility forms and case folded,
    URLs and @mentions replaced by placeholder tokens (the handle of a known account is an
    identifier, not language: learning it would leak accounts across the split), lone numbers
    collapsed, Arabic folded and Arabizi transliterated. Each step is skipped when a cheap test
    shows it has nothing to do: this runs on every post.
    """
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    # Arabic first: a diacritic after "@" would otherwise hide a mention until the second pass.
    if not text.isascii() and _ARABIC_SCRIPT.search(text):
        text = normalize_arabic(text)
    if "http" in text or "www." in text:
        text = _URL.sub(f" {URL_TOKEN} ", text)
    if "@" in text:
        text = _MENTION.sub(f" {USER_TOKEN} ", text)
    if _DIGIT.search(text):
        # Most digits in posts are numbers and times; only a digit touching a letter can be Arabizi.
        if _DIGIT_IN_WORD.search(text):
            text = transliterate_arabizi(text)
        text = _LONE_NUMBER.sub(NUM_TOKEN, text)
    if text.isascii():
        # bytes.translate is a table lookup in C; str.translate with a dict is a dict call per character.
        return " ".join(text.encode().translate(_ASCII_PUNCT_TO_SPACE).decode().split())
    return " ".join(text.translate(_PUNCT_TO_SPACE).split())
