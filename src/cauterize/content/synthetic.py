"""Synthetic, obviously artificial training and test sentences for what no public data covers.

No labelled corpus of threats against named people, staff of a company or places was found, nor of
recruitment posts (shared/data/README.md says so). These templates teach and test *structure*: a
target slot next to a harm or a join-us phrase, against confounders that share the slot and the
verbs but are not threats or recruitment. Every name is fictional ("Ashen Banner",
"ExamplePlatform"); the model card reports figures on this part apart from real data.

Each template has an id; splits are by template, so a test sentence never shares its frame
with a training one.
"""

from __future__ import annotations

from dataclasses import dataclass

PEOPLE = ("Dana Reyes", "Tomas Vey", "Mira Okonkwo-Hale", "Jon Example", "Lena Marsh", "Karim Testwell")
STAFF = (
    "staff of ExamplePlatform",
    "employees at Northwind Example Corp",
    "the moderators of ExampleForum",
    "workers at the Example Bakery",
    "ExamplePlatform employees",
    "everyone who works at Contoso Example",
)
PLACES = (
    "the Elmwood Example station",
    "Harbor Example Square",
    "the Example Mall on Fifth",
    "the Riverton Example school",
    "the ExampleCity stadium",
)
GROUPS = ("members of the Lantern Society", "the Example Club members", "those Riverton Example fans")
FACTIONS = ("the Ashen Banner", "Ashen Banner", "the Grey Example Front")
ORGS = ("the Example Book Club", "Northwind Example Corp", "the Riverton Example food bank", "ExampleCity FC")
HANDLES = ("@example_contact", "@ashen_example", "@exampleperson")

TARGETS = {"named_person": PEOPLE, "employees": STAFF, "place": PLACES, "group": GROUPS}

# Threat frames: a target slot and an artificial harm phrase. Kept bland on purpose.
THREAT_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("t01", "[T] will be hurt"),
    ("t02", "[T] will pay for this, I promise"),
    ("t03", "I am going to hurt [T]"),
    ("t04", "someone should hurt [T] this week"),
    ("t05", "[T] will not be safe after Friday"),
    ("t06", "we will come for [T] soon"),
    ("t07", "[T] deserves to be attacked"),
    ("t08", "watch what happens to [T] next week"),
    ("t09", "I will make [T] suffer"),
    ("t10", "[T] better watch out, we are coming to hurt them"),
    ("t11", "we will attack [T] tomorrow"),
    ("t12", "[T] will bleed for what they did"),
    ("t13", "[T] va payer, je le promets"),
    ("t14", "je vais blesser [T]"),
    ("t15", "[T] will regret it when we hurt them"),
    ("t16", "get ready [T], you will be hurt"),
    ("t17", "I want to end [T] for good"),
    ("t18", "[T] should be shot, all of them"),
    ("t19", "I would love to see [T] suffer"),
    ("t20", "we are going to burn [T] to the ground"),
    ("t21", "[T] deserve to die"),
    ("t22", "I will find [T] and kill them"),
    ("t23", "if [T] keep this up we will make them bleed"),
    ("t24", "[T] must be wiped out"),
)

# Same slots and verbs, no threat: promotion, accident, sport, idioms, counter-speech, reporting.
NON_THREAT_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("n01", "[T] will be promoted"),
    ("n02", "[T] will pay the invoice tomorrow"),
    ("n03", "I am going to meet [T]"),
    ("n04", "someone should thank [T] this week"),
    ("n05", "[T] was hurt in an accident, wishing a fast recovery"),
    ("n06", "we will come to [T] for the match"),
    ("n07", "saying [T] will be hurt is never ok"),
    ("n08", "I reported a post that said [T] should be attacked"),
    ("n09", "[T] will not be open after Friday"),
    ("n10", "watch what happens to [T] in the final episode"),
    ("n11", "the team will attack the goal early, says [T]"),
    ("n12", "[T] killed it on stage last night"),
    ("n13", "[T] va payer la facture demain"),
    ("n14", "je vais voir [T] demain"),
    ("n15", "threats against [T] are unacceptable and were reported to police"),
    ("n16", "get ready [T], the party starts at eight"),
    ("n17", "[T] will be celebrated tonight"),
    ("n18", "[T] will be closed on Monday"),
    ("n19", "we will visit [T] soon, I promise"),
    ("n20", "[T] will be interviewed next week"),
    ("n21", "someone said [T] should be shot, that is vile and I reported it"),
    ("n22", "[T] will be fine, the storm has passed"),
    ("n23", "we are going to paint [T] next week"),
    ("n24", "the film about [T] will kill at the box office"),
)

RECRUIT_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("r01", "join [F] today, message [H] for the route"),
    ("r02", "brothers who want to fight for [F], contact [H] privately"),
    ("r03", "[F] needs you, send a dm to join the ranks"),
    ("r04", "make the journey and join [F], ask [H] how"),
    ("r05", "ready to serve the cause of [F]? reach [H] in private"),
    ("r06", "we are recruiting fighters for [F], ask about the way"),
    ("r07", "leave everything and come to [F], [H] will guide you"),
    ("r08", "stop watching and act, [F] accepts new soldiers, dm [H]"),
    ("r09", "rejoins [F] maintenant, contacte [H] en privé"),
    ("r10", "your place is with [F], write to [H] for the crossing"),
    ("r11", "[F] is looking for brothers ready to fight, message [H]"),
    ("r12", "come and fight with [F], the route is open, contact [H]"),
    ("r13", "pledge yourself to [F] and come to the front, [H] will explain"),
    ("r14", "young men, [F] is calling you to the battle, dm [H] to travel"),
    ("r15", "do not sit at home, join the fighters of [F], ask [H]"),
    ("r16", "we help brothers reach [F], send a private message to [H]"),
    ("r17", "want to give your life for the cause? [F] wants you, write [H]"),
    ("r18", "the caravan to [F] leaves soon, contact [H] to join it"),
    ("r19", "rejoins les combattants de [F], écris à [H]"),
    ("r20", "sisters and brothers, [F] needs you on the ground, dm [H] now"),
)

NON_RECRUIT_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("q01", "join [O] today, message [H] for the schedule"),
    ("q02", "volunteers wanted for [O], contact [H]"),
    ("q03", "[O] needs you, send a dm to join the choir"),
    ("q04", "we are recruiting engineers at [O], send your cv to [H]"),
    ("q05", "the documentary explains how [F] recruited young people online"),
    ("q06", "researchers study how [F] recruitment works, thread by [H]"),
    ("q07", "leave everything and come to [O] for the summer fair"),
    ("q08", "[F] was banned after a report on its recruiters, says [H]"),
    ("q09", "rejoins [O] maintenant, contacte [H] pour les horaires"),
    ("q10", "ready to serve? [O] is hiring waiters, reach [H]"),
    ("q11", "[O] is looking for volunteers ready to help, message [H]"),
    ("q12", "come and play with [O], the pitch is open, contact [H]"),
    ("q13", "how [F] lured recruits online: our investigation, by [H]"),
    ("q14", "young people, [O] is calling you to the open day, dm [H] to register"),
    ("q15", "do not sit at home, join the runners of [O], ask [H]"),
    ("q16", "we help families reach [O], send a private message to [H]"),
    ("q17", "former members describe how [F] recruited them, report by [H]"),
    ("q18", "the bus to [O] leaves soon, contact [H] to join it"),
    ("q19", "rejoins les bénévoles de [O], écris à [H]"),
    ("q20", "police warn that [F] recruiters target teenagers, says [H]"),
)


@dataclass(frozen=True, slots=True)
class SyntheticCase:
    text: str
    label: int
    template: str
    #: For threats: the target type of the slot filler (``named_person``, ``employees``, ...).
    target: str | None = None


def threat_cases() -> list[SyntheticCase]:
    out = []
    for templates, label in ((THREAT_TEMPLATES, 1), (NON_THREAT_TEMPLATES, 0)):
        for tid, frame in templates:
            for target, fillers in TARGETS.items():
                for filler in fillers:
                    out.append(SyntheticCase(frame.replace("[T]", filler), label, tid, target))
    return out


def recruitment_cases() -> list[SyntheticCase]:
    out = []
    for templates, label in ((RECRUIT_TEMPLATES, 1), (NON_RECRUIT_TEMPLATES, 0)):
        for tid, frame in templates:
            for i, fill in enumerate(FACTIONS + ORGS):
                text = frame.replace("[F]", fill if "[F]" in frame else FACTIONS[i % len(FACTIONS)])
                text = text.replace("[O]", ORGS[i % len(ORGS)]).replace("[H]", HANDLES[i % len(HANDLES)])
                out.append(SyntheticCase(text, label, tid))
    return sorted(set(out), key=lambda c: (c.template, c.text))
