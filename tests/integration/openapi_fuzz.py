"""Shared by the services' property-based OpenAPI tests: the operations of a document, and
the check that no generated input yields a 5xx and every error is problem+json.

schemathesis' pytest loader (`from_fixture`) does not work with pytest 9, so each operation is
a parametrized test that draws its cases from `operation.as_strategy()` with hypothesis."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

METHODS = ("get", "post", "put", "patch", "delete")


def operations(document: dict, *, exclude: tuple[str, ...] = ()) -> list[tuple[str, str, bool]]:
    """(METHOD, path, takes input) for every operation of an OpenAPI document."""
    return [
        (method.upper(), path, bool(spec.get("parameters") or spec.get("requestBody")))
        for path, item in document["paths"].items()
        if path not in exclude
        for method, spec in item.items()
        if method in METHODS
    ]


def assert_never_a_server_error(operation, headers: dict, *, max_examples: int, mode=None) -> None:
    strategy = (
        operation.as_strategy() if mode is None else operation.as_strategy(generation_mode=mode)
    )

    @given(case=strategy)
    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text)
        if response.status_code >= 400:
            content_type = response.headers.get("content-type", [""])
            content_type = content_type[0] if isinstance(content_type, list) else content_type
            assert content_type.startswith("application/problem+json"), response.text

    check()
