"""Property-based fuzzing of the API from its own OpenAPI spec: no 5xx, responses match declared schemas."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import make_settings
from web.app import create_app


class LazyApp:
    """The app, built on its first request (schemathesis reads the spec while collecting), not on import."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.app is None:
            self.app = create_app(make_settings())
        await self.app(scope, receive, send)


schema = schemathesis.openapi.from_asgi("/openapi.json", LazyApp())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_spec(case: schemathesis.Case) -> None:
    # Every check, positive data acceptance included: whatever the spec calls valid (bbox, the `layers` list of
    # served ids, both route ends) must be answered 2xx or an honest 404.
    case.call_and_validate()
