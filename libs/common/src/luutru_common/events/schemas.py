"""JSON Schemas of the event contracts, exported to libs/common/schemas/ for consumers in
other languages and for the compatibility test.

Regenerate after a (compatible) change: ``uv run python -m luutru_common.events.schemas``.
"""

from __future__ import annotations

import json
from pathlib import Path

from luutru_common.events.contracts import EVENT_TYPES
from luutru_common.events.envelope import Envelope

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schemas"


def current_schemas() -> dict[str, dict]:
    """The JSON Schema of the envelope and of each event type at its current version, keyed
    `<Type>.v<n>`."""
    schemas = {"Envelope": Envelope.model_json_schema()}
    for name, model in EVENT_TYPES.items():
        schema = model.model_json_schema()
        schema["x-topic"] = str(model.topic)
        schema["x-schema-version"] = model.schema_version
        schemas[f"{name}.v{model.schema_version}"] = schema
    return schemas


def export(directory: Path = SCHEMA_DIR) -> None:
    """Write `current_schemas` to `directory`, one file each: what consumers in other
    languages and the compatibility test read."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, schema in current_schemas().items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    export()
