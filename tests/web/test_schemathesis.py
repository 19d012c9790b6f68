"""Schemathesis against the OpenAPI document, through the WSGI app (no network), as three roles: no 5xx,
every status declared, every body matching its schema. Bounded and deterministic: a fixed number of
examples per operation, derandomized, no example database, no shrinking (a failure shows its example)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("username", ["cv", "analyst", "sotc"])  # vp_specialist, analyst, unit_staff
def test_every_operation_answers_within_its_declared_responses(app, client, auth_headers, username):
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [found.ok() for found in api.get_all_operations()]
    document = client.get("/api/v1/openapi.json").get_json()
    assert len(operations) == sum(len(methods) for methods in document["paths"].values())
    headers = auth_headers(username)
    failures = []
    for operation in operations:

        @EXAMPLES
        @given(case=operation.as_strategy())
        def conforms(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            conforms()
        except Exception as failure:  # noqa: BLE001  (collect every operation's failure, then report all)
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
