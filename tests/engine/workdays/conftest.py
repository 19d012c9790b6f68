"""The API tests here check every response against the OpenAPI document, as the web API tests do."""

from tests.web.test_api import api  # noqa: F401 - a fixture, shared by import
