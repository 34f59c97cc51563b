"""Property-based fuzzing of the HTTP API from its own OpenAPI schema (schemathesis): no 500s.

Every operation in /openapi.json gets generated requests, valid (positive) and invalid
(negative: wrong types, missing fields, out-of-range numbers, odd strings), as an admin, so the
checks go past authorisation into the handlers. schemathesis's own pytest plugin does not load
with this pytest, so the operations are driven with hypothesis directly.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.web.conftest import make_world_config, token_for


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    from cauterize.web.app import create_console_app

    app = create_console_app(make_world_config(tmp_path_factory.mktemp("fuzz")))
    app.state.fuzz_headers = token_for(app, "ada")
    return app


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_never_answers_500(fuzz_app, mode):
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    seen: list[str] = []
    skipped = 0
    for op in operations:

        @settings(
            max_examples=8, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=op.as_strategy(generation_mode=mode))
        def call(case):
            response = case.call(headers=fuzz_app.state.fuzz_headers)
            seen.append(f"{case.method} {case.path} {response.status_code}")
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
            )

        try:
            call()
        except Unsatisfiable:
            # An operation with nothing to get wrong (no parameters, no body) has no negative case.
            assert mode is GenerationMode.NEGATIVE
            skipped += 1
    assert len(seen) >= len(operations) - skipped and skipped < len(operations) // 2
