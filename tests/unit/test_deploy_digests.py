"""deploy/tools/pin_digests.py writes each image's registry digest into the overlay, and
kustomize then renders the images by digest. No registry is reachable here, so a stand-in
`crane` answers (a digest derived from the reference); the real one runs where the operator
or the release CI can reach the registry."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.unit.test_deploy_k8s import K8S, ROOT, tool

PIN = ROOT / "deploy" / "tools" / "pin_digests.py"


def stand_in_crane(bin_dir: Path, answer: str | None = None) -> dict[str, str]:
    bin_dir.mkdir()
    script = bin_dir / "crane"
    reply = (
        f"print({answer!r})"
        if answer is not None
        else "import hashlib; print('sha256:' + hashlib.sha256(sys.argv[2].encode()).hexdigest())"
    )
    script.write_text(f"#!{sys.executable}\nimport sys\n{reply}\n")
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def digest_of(reference: str) -> str:
    return "sha256:" + hashlib.sha256(reference.encode()).hexdigest()


def test_the_overlay_renders_every_image_by_its_digest(tmp_path):
    k8s = tmp_path / "k8s"
    shutil.copytree(K8S, k8s)
    env = stand_in_crane(tmp_path / "bin")
    out = subprocess.run(
        [sys.executable, str(PIN), str(k8s / "overlays" / "prod")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(out.splitlines()) == 4
    kustomization = (k8s / "overlays" / "prod" / "kustomization.yaml").read_text()
    assert "# prod: the whole country" in kustomization  # comments kept
    rendered = subprocess.run(
        [tool("kustomize"), "build", str(k8s / "overlays" / "prod")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    images = {
        c["image"]
        for doc in yaml.safe_load_all(rendered)
        if doc and doc["kind"] in {"Deployment", "Job", "CronJob"}
        for c in _containers(doc)
    }
    registry = "registry.example.vn/luutru/"
    want = {
        f"{registry}luutru-{s}:0.1.0@{digest_of(f'{registry}luutru-{s}:0.1.0')}"
        for s in ("accounts", "ingest", "analytics", "console")
    }
    assert images == want
    # Run again: the digests are replaced, not added twice.
    subprocess.run([sys.executable, str(PIN), str(k8s / "overlays" / "prod")], env=env, check=True)
    again = (k8s / "overlays" / "prod" / "kustomization.yaml").read_text()
    assert again == kustomization


def test_an_answer_that_is_not_a_digest_changes_nothing(tmp_path):
    overlay = tmp_path / "prod"
    shutil.copytree(K8S / "overlays" / "prod", overlay)
    before = (overlay / "kustomization.yaml").read_text()
    env = stand_in_crane(tmp_path / "bin", answer="Error: UNAUTHORIZED")
    result = subprocess.run(
        [sys.executable, str(PIN), str(overlay)], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "not a sha256 digest" in result.stderr
    assert (overlay / "kustomization.yaml").read_text() == before


def _containers(doc: dict) -> list[dict]:
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]["containers"]
