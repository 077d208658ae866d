"""Event contracts stay compatible with the exported JSON Schemas: within a schema version a
field may be added only as optional; none may be removed, retyped or made required."""

from __future__ import annotations

import json

import pytest

from luutru_common.events.schemas import SCHEMA_DIR, current_schemas


def _resolve(schema: dict, node: dict) -> dict:
    ref = node.get("$ref")
    if ref:
        return _resolve(schema, schema["$defs"][ref.rsplit("/", 1)[1]])
    return node


def _types(node: dict) -> set[tuple]:
    """The (type, format) pairs a field accepts, its `anyOf` alternatives included."""
    if "anyOf" in node:
        return {t for alternative in node["anyOf"] for t in _types(alternative)}
    return {(node.get("type"), node.get("format"))}


def _label(node: dict) -> str:
    return " | ".join(sorted(str(t) for t, _ in _types(node)))


def compatibility_problems(old: dict, new: dict, path: str = "") -> list[str]:
    problems = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, old_field in old_props.items():
        if name not in new_props:
            problems.append(f"{path}/{name} removed")
            continue
        a, b = _resolve(old, old_field), _resolve(new, new_props[name])
        # Widening to nullable (T -> T | null) keeps every old event valid; anything else
        # that changes the accepted types does not.
        if not _types(a) <= _types(b):
            problems.append(f"{path}/{name} changed type {_label(a)} -> {_label(b)}")
        if "properties" in a:
            problems += compatibility_problems(
                {**a, "$defs": old.get("$defs", {})},
                {**b, "$defs": new.get("$defs", {})},
                f"{path}/{name}",
            )
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"{path}/{name} became required")
    return problems


@pytest.mark.parametrize("name", sorted(current_schemas()))
def test_contract_matches_or_extends_committed_schema(name):
    committed_path = SCHEMA_DIR / f"{name}.json"
    assert committed_path.exists(), f"export {name}: uv run python -m luutru_common.events.schemas"
    committed = json.loads(committed_path.read_text())
    assert compatibility_problems(committed, current_schemas()[name]) == []


def test_checker_catches_breaking_changes():
    old = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}
    new = {
        "properties": {"a": {"type": "integer"}, "c": {"type": "string"}},
        "required": ["a", "c"],
    }
    assert sorted(compatibility_problems(old, new)) == [
        "/a changed type string -> integer",
        "/b removed",
        "/c became required",
    ]


def test_checker_lets_a_field_become_optional_and_nullable_but_not_the_reverse():
    required = {"properties": {"a": {"type": "string"}}, "required": ["a"]}
    nullable = {"properties": {"a": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}
    assert compatibility_problems(required, nullable) == []
    assert compatibility_problems(nullable, required) == [
        "/a changed type null | string -> string",
        "/a became required",
    ]
