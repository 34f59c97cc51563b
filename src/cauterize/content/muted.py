"""Words a model is built not to read: everyday expressions of faith, for the propaganda task.

The propaganda labels are per account, so every greeting, blessing and prayer a pro-IS account
wrote is a positive, and the negative sets hold few Muslim greetings: 2.1.0 scored "JazakAllah
khair brother" 0.988. Dropping the greeting-only rows from training (``content/functionless.py``)
did not undo it, because the same words stand in thousands of other positive rows. So, as a link
or a mention never moves a score, a word of everyday faith never moves a propaganda score: the
features of a model whose spec names a list here are extracted as if these words were absent.
What remains of a post (the claims, the calls, the threats) is what is scored.

Only words of greeting, blessing and worship are listed, none of the in-group's vocabulary
(khilafah, mujahideen, crusaders, ...), and no general word. Stored raw and compared after the
shipped normal form, so Arabic letter variants and case match.
"""

from __future__ import annotations

import re
from functools import cache

from cauterize.content.normalize import normalize

_LISTS: dict[str, str] = {
    "faith": """
allah allahs allahu jazakallah jazakallahu jazakallahukhair jazakallahkhair jzk jzkk jazak jazaki
jazakum khair khayr khairan khayran bismillah bismillahirrahmanirrahim alhamdulillah alhamdulilah
alhamdulillaah hamdulillah hamdoulillah alhamdoulillah subhanallah subhana subhan mashallah
mashaallah machallah masha inshallah inshaallah inchallah ameen amin aameen amine salam salaam
salamu assalamu assalam asalamu assalamualaikum alaikum alaykum aleykoum alaikom alaykoum
walaikum wassalam iyyak iyyaki iyyakum barakallah barakallahu barakallahou baarakallahu feek feeki
fik fikum akhi akhee ukhti ukhtee akhawat ikhwan brother brothers sister sisters eid mubarak
moubarak ramadan kareem jumuah jummah jumua jumma jumu dua duaa duas douas rabb rabbi ya
fajr dhuhr asr maghrib isha salah salat mosque masjid iftar suhoor ftour quran surah sourate ayah
pray prayer prayers praying bless blessed blessings blessing
بسم الله اللهم لله الحمد سبحان شاء جزاك جزاكم جزاكي خيرا بارك فيك فيكم امين يارب رب ربي ربنا
السلام عليكم وعليكم ورحمة ورحمه وبركاته اخي اختي أخي أختي عيد مبارك رمضان كريم جمعة جمعه الجمعة
الجمعه صلاة صلاه الصلاة الصلاه دعاء المسجد مسجد افطار الافطار
frère frères sœur soeur sœurs prière prières mosquée aïd bénisse récompense
""",
}

_WORD = re.compile(r"\S+")


@cache
def muted(name: str) -> frozenset[str]:
    """The normal-form words of list ``name`` (``""`` is the empty list)."""
    if not name:
        return frozenset()
    out: set[str] = set()
    for word in _LISTS[name].split():
        out.update(normalize(word).split())
    return frozenset(out)


def known(name: str) -> bool:
    return not name or name in _LISTS
