"""Property-based fuzzing of the HTTP API from its own OpenAPI schema (schemathesis): no 500s.

Every operation in /openapi.json gets generated requests, valid (positive) and invalid
(negative: wrong types, missing fields, out-of-range numbers, odd strings), as an admin, so the
checks go past authorisation into the handlers. schemathesis's own pytest plugin does not load
with this pytest, so the operations are driven with hypothesis directly.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.web.conftest import make_world_config, token_for

#: Examples per operation and mode; CAUTERIZE_FUZZ_EXAMPLES=200 for a longer hunt.
EXAMPLES = int(os.environ.get("CAUTERIZE_FUZZ_EXAMPLES", "10"))


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

        @seed(20261124)
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy(generation_mode=mode))
        def call(case):
            # The generated credentials are replaced by a real admin token, so that every request
            # reaches its handler (authorisation failures are tested on their own).
            case.headers = {**(case.headers or {}), **fuzz_app.state.fuzz_headers}
            response = case.call()
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
    # The requests got past authorisation: most operations answered something other than 401/403.
    reached = {s.rsplit(" ", 1)[0] for s in seen if s.rsplit(" ", 1)[1] not in ("401", "403")}
    assert len(reached) >= len(operations) - skipped - 2, sorted(reached)
