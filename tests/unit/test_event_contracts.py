"""Event contracts stay compatible with the exported JSON Schemas: within a schema version a
field may be added only as optional; none may be removed, retyped or made required."""

from __future__ import annotations

import json

import pytest

from luutru_common.events import RETIRED_FACILITY_FIELDS, GuestCheckedIn, StayCorrected
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


OLD_STAY = {
    "stay_id": "0b8f3c1e-2d4a-4b6c-9e8f-0a1b2c3d4e5f",
    "facility_id": "1c9e4d2f-3e5b-4c7d-8f9a-1b2c3d4e5f60",
    "guest": {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "1990-05-01",
        "gender": "male",
        "id_number": "075090001234",
        "nationality": "VNM",
        "country_of_residence": "VNM",
    },
    "check_in_at": "2026-11-27T07:00:00Z",
    "received_at": "2026-11-27T07:05:00Z",
    "due_at": "2026-11-27T16:00:00Z",
}


@pytest.mark.parametrize("event", [GuestCheckedIn, StayCorrected])
def test_stay_events_read_with_or_without_the_retired_facility_fields(event):
    """Version 1 stays tolerant both ways: an older event with the facility's type and place
    still validates, a new one without them too, and both describe the same stay."""
    older = {
        **OLD_STAY,
        "facility_type": "hotel",
        "province_code": 75,
        "commune_code": 26068,
        "star_rating": 4,
    }
    assert set(RETIRED_FACILITY_FIELDS) <= set(older)
    old, new = event.model_validate(older), event.model_validate(OLD_STAY)
    assert (old.facility_type, old.commune_code, new.facility_type) == ("hotel", 26068, None)
    assert old.model_dump(exclude=set(RETIRED_FACILITY_FIELDS)) == new.model_dump(
        exclude=set(RETIRED_FACILITY_FIELDS)
    )


@pytest.mark.parametrize("name", ["GuestCheckedIn.v1", "StayCorrected.v1"])
def test_the_committed_schema_marks_the_facility_fields_retired_and_optional(name):
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
    for field in RETIRED_FACILITY_FIELDS:
        assert field not in schema["required"]
        assert schema["properties"][field]["description"].startswith("Retired")
