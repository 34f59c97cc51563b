"""The fixed rule that takes greetings and plain news relays out of the pro-IS training positives."""

from __future__ import annotations

import pytest

from cauterize.content.data import Example
from cauterize.content.functionless import functionless_reason
from cauterize.content.normalize import normalize
from cauterize.content.train import TrainConfig, confounder_weights


@pytest.mark.parametrize(
    "text",
    [
        "JazakAllah khair brother",
        "wa iyyak akhi https://t.co/abc @bob",
        "Bismillah",
        "Eid Mubarak everyone!",
        "جزاك الله خيرا",
        "وعليكم السلام ورحمة الله وبركاته",
        "qu'Allah te récompense mon frère",
        # Pleasantries count too: the marker list holds "good", "thanks", "everyone" (see module).
        "good morning everyone",
    ],
)
def test_greetings_and_prayers_are_everyday_faith(text: str) -> None:
    assert functionless_reason(normalize(text)) == "everyday_faith"


@pytest.mark.parametrize(
    "text",
    [
        "officials say a commander of the Ashen Banner was killed in an air strike near Elmwood",
        "مقتل قيادي في غارة قرب مدينة النخيل",
    ],
)
def test_plain_headlines_are_news_relays(text: str) -> None:
    assert functionless_reason(normalize(text)) == "news_relay"


@pytest.mark.parametrize(
    "text",
    [
        # In-group words, also glued inside a hashtag, keep a row's label.
        "may Allah accept the martyrs of the Ashen Banner",
        "the mujahideen killed ten soldiers near Elmwood",
        "#Breaking #AmaqAgency strike near Elmwood",
        # A side taken: "we", victory.
        "our brothers killed ten soldiers near Elmwood, victory is near",
        # A greeting with more than one other content word is not only a greeting.
        "JazakAllah khair brother, join the banner and march on Elmwood",
        "good morning everyone, the convoy leaves at dawn",
        "",
    ],
)
def test_rows_with_a_side_or_other_content_are_kept(text: str) -> None:
    assert functionless_reason(normalize(text)) is None


def test_rule_rows_are_dropped_or_down_weighted_and_suite_functions_up_weighted() -> None:
    rows = [
        Example("glory to the ashen banner", 1, "extremist", "acct:a"),
        Example("JazakAllah khair brother", 1, "extremist", "acct:a"),
        Example("officials say a commander was killed in an air strike near Elmwood", 1, "extremist", "acct:a"),
        Example("Eid Mubarak to all", 0, "functional", "templ:x", "en", "everyday_faith"),
        Example("analysts doubt the claim", 0, "functional", "templ:y", "en", "attribute_claim"),
        Example("good morning", 0, "davidson", "r1"),
    ]
    cfg = TrainConfig(
        confounder_weight=(("propaganda", 1.0),),
        suite_weight=(("propaganda", "everyday_faith", 3.0),),
        faith_relay_weight=0.0,
        news_relay_weight=0.2,
    )
    # 3 positives, 3 negatives: a confounder weighs share x 1 of a positive row.
    assert confounder_weights("propaganda", rows, cfg) == [1.0, 0.0, 0.2, 3.0, 1.0, 1.0]


def test_hatecheck_non_hateful_rows_weigh_a_share_in_the_threat_task() -> None:
    rows = [
        Example("i will hurt [G]", 1, "hatecheck", "t1", "en", "threat_dir_h"),
        Example("i love painters", 0, "hatecheck", "t2", "en", "ident_pos_nh"),
        Example("saying painters should be hurt is vile", 0, "hatecheck", "t3", "en", "counter_quote_nh"),
        Example("painters are awful", 0, "hatecheck", "t4", "en", "derog_neg_emote_h"),
        Example("good morning", 0, "davidson", "r1"),
    ]
    cfg = TrainConfig(confounder_weight=(("threat", 2.0),), hatecheck_nh_weight=(("threat", 0.5),))
    # 1 positive, 4 negatives: ratio 4; counter-speech takes the confounder share, not the nh one.
    assert confounder_weights("threat", rows, cfg) == [1.0, 2.0, 8.0, 1.0, 1.0]
