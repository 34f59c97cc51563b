"""Synthetic post text. Every template is deliberately artificial: network posts are marked
``[SIM]`` and say only that they are a placeholder, so the corpus cannot double as propaganda,
while still carrying the surface features detectors key on (hashtags, names, mentions, media).
"""

from __future__ import annotations

import random

CITIES = ["Northgate", "Riverford", "Lakemoor", "Eastvale", "Harborview", "Westmere"]

ORDINARY: dict[str, list[str]] = {
    "en": [
        "Lovely morning in {city}, coffee first",
        "Anyone watching the match tonight?",
        "Just finished a long run around {city}",
        "New recipe attempt: lentil soup, verdict later",
        "Traffic in {city} is terrible again",
        "Reading a good book this weekend",
    ],
    "ar": [
        "صباح جميل في {city}",
        "من يشاهد المباراة الليلة؟",
        "قهوة الصباح ثم العمل",
        "الطقس اليوم رائع في {city}",
        "أقرأ كتابا جديدا هذا الأسبوع",
    ],
    "fr": ["Belle matinée à {city}", "Qui regarde le match ce soir ?", "Nouvelle recette ce soir"],
    "es": ["Buenos días desde {city}", "¿Alguien ve el partido hoy?", "Probando una receta nueva"],
    "id": ["Selamat pagi dari {city}", "Siapa nonton pertandingan malam ini?"],
    "tr": ["{city} şehrinden günaydın", "Bu akşam maçı izleyen var mı?"],
}

#: Network statements: placeholders naming the fictional group, one per language.
NETWORK: dict[str, list[str]] = {
    "en": [
        "[SIM] {group} statement {n}: placeholder text for detector testing",
        "[SIM] {group} bulletin {n} from the {region} office (synthetic)",
        "[SIM] {group} supporters share this notice {n} (synthetic)",
    ],
    "ar": [
        "[SIM] بيان {group} رقم {n} نص تجريبي",
        "[SIM] نشرة {group} {n} من مكتب {region} نص تجريبي",
    ],
    "fr": ["[SIM] communiqué {group} {n} texte de test"],
}
RELEASE = {
    "en": "[SIM] {group} media release {n} (synthetic video placeholder)",
    "ar": "[SIM] إصدار {group} رقم {n} مقطع تجريبي",
    "fr": "[SIM] diffusion {group} {n} vidéo de test",
}
SHOUTOUT = {
    "en": "[SIM] follow and share the new account @{handle} of {group}",
    "ar": "[SIM] الحساب الجديد @{handle} تابعوا وانشروا",
    "fr": "[SIM] nouveau compte @{handle} suivez",
}
QUESTION = "[SIM] @{handle} question about {group} membership placeholder"
ANSWER = "[SIM] @{handle} reply from {group} contact, message me (synthetic)"
THREAT = "[SIM] synthetic threat template naming {target} (test content, not real)"

WATCHER = {
    "journalist": [
        "Reporting: {group} accounts are back under new names, thread",
        "Our newsroom is tracking {group} activity after the {region} incident",
    ],
    "researcher": [
        "New data: {group} network reposts peak within minutes of a release",
        "Research note on {group} account recidivism, preprint soon",
    ],
    "monitor": [
        "Monitoring alert: {group} media outlet active again",
        "Archived for analysis: {group} release {n}",
    ],
    "counter_messaging": [
        "There is nothing heroic in {group}. Families pay the price",
        "Former members explain why they left {group}",
    ],
    "police": ["Police statement on the {region} incident: area closed, avoid travel"],
    "government": ["Government statement: we condemn the {region} attack claimed by {group}"],
    "news": [
        "Breaking: incident in {region}, {group} claim unverified",
        "Live updates on the {region} incident",
    ],
    "parody": ["{group} parody: today's statement is about lunch", "Not affiliated, just mocking {group}"],
}


def ordinary(rng: random.Random, lang: str) -> str:
    return rng.choice(ORDINARY.get(lang, ORDINARY["en"])).format(city=rng.choice(CITIES))


def network(rng: random.Random, lang: str, group: str, region: str, n: int) -> str:
    return rng.choice(NETWORK.get(lang, NETWORK["en"])).format(group=group, region=region, n=n)


def release(lang: str, group: str, n: int) -> str:
    return RELEASE.get(lang, RELEASE["en"]).format(group=group, n=n)


def shoutout(lang: str, group: str, handle: str) -> str:
    return SHOUTOUT.get(lang, SHOUTOUT["en"]).format(group=group, handle=handle)


def watcher(rng: random.Random, role: str, group: str, region: str, n: int) -> str:
    return rng.choice(WATCHER[role]).format(group=group, region=region, n=n)
