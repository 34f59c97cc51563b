from __future__ import annotations

import pytest

from cauterize.content.targets import threat_target


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("Dana Reyes will be hurt", "named_person", "Dana Reyes"),
        ("we will come for Mira Okonkwo-Hale soon", "named_person", "Mira Okonkwo-Hale"),
        ("the staff of ExamplePlatform will pay", "employees", "staff of"),
        ("everyone who works at Contoso Example will suffer", "employees", "everyone who works at"),
        ("there will be trouble at the Elmwood Example station", "place", "station"),
        ("all Riverton fans will be hurt", "group", "all Riverton"),
        ("they will be hurt", "unspecified", None),
        ("les employés de ExamplePlatform vont payer", "employees", "employés de"),
        ("سوف نهاجم المدرسة", "place", "مدرسه"),
    ],
)
def test_target_types(text: str, kind: str, shown: str | None) -> None:
    target = threat_target(text)
    assert target.type == kind
    assert target.text == shown


def test_a_mention_or_reply_makes_the_target_a_person() -> None:
    assert threat_target("you will be hurt @someone_example").type == "named_person"
    assert threat_target("you will be hurt", mentions=1).type == "named_person"
    assert threat_target("you will be hurt").type == "unspecified"


def test_employees_win_over_the_company_name() -> None:
    assert threat_target("Example Platform staff of the month will be hurt").type == "employees"
