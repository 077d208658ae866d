"""The container image (Dockerfile): multi-stage, non-root, health-checked, hadolint-clean.

No Docker engine here, so the image is checked statically; hadolint comes from
scripts/bootstrap.sh (ensure_deploy_tools).
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HADOLINT = ROOT / ".local" / "bin" / "hadolint"
SERVICES = ("accounts", "ingest", "analytics", "console")


def stages(dockerfile: str) -> list[list[tuple[str, str]]]:
    """Instructions grouped by build stage (line continuations joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", dockerfile)
    result: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            result.append([])
        if result:
            result[-1].append((instruction, rest.strip()))
    return result


def problems(dockerfile: str) -> list[str]:
    """What keeps a Dockerfile from being a small, safe service image."""
    found = []
    parts = stages(dockerfile)
    if len(parts) < 2:
        found.append("not multi-stage")
        return found
    final = parts[-1]
    users = [arg for ins, arg in final if ins == "USER"]
    if not users:
        found.append("final stage runs as root (no USER)")
    else:
        user = users[-1].split(":")[0]
        if user in ("root", "0") or not user.isdigit():
            found.append(f"final USER {users[-1]!r} is not a numeric non-root id")
    health = [arg for ins, arg in final if ins == "HEALTHCHECK"]
    if not health or "NONE" in health[-1]:
        found.append("no HEALTHCHECK")
    elif not re.search(r"/(readyz|livez)", health[-1]):
        found.append("HEALTHCHECK does not probe /readyz or /livez")
    if not any(ins == "COPY" and "--from=" in arg for ins, arg in final):
        found.append("final stage copies nothing from a build stage")
    if any(ins == "RUN" and re.search(r"\b(uv|pip) (sync|install)", arg) for ins, arg in final):
        found.append("dependencies installed in the final stage")
    return found


DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_the_dockerfile_is_multi_stage_non_root_and_health_checked():
    assert problems(DOCKERFILE) == []


def test_the_checker_rejects_what_it_should():
    single = "FROM python:3.11-slim\nRUN pip install uv\nCMD ['x']\n"
    assert "not multi-stage" in problems(single)
    rooted = DOCKERFILE.replace("USER 10001:10001", "USER root")
    assert any("non-root" in p for p in problems(rooted))
    no_health = re.sub(r"HEALTHCHECK[^\n]*\\\n[^\n]*\n", "", DOCKERFILE)
    assert "no HEALTHCHECK" in problems(no_health)


def test_the_healthcheck_probes_the_port_the_service_listens_on():
    final = stages(DOCKERFILE)[-1]
    exposed = {arg for ins, arg in final if ins == "EXPOSE"}
    cmd = next(arg for ins, arg in final if ins == "CMD")
    health = next(arg for ins, arg in final if ins == "HEALTHCHECK")
    port = re.search(r'"--port", "(\d+)"', cmd).group(1)
    assert exposed == {port}
    assert f"127.0.0.1:{port}/readyz" in health
    assert '"--host", "0.0.0.0"' in cmd


def test_one_image_per_service_from_the_service_build_arg():
    builder = stages(DOCKERFILE)[0]
    runs = " ".join(arg for ins, arg in builder if ins == "RUN")
    assert '--package "luutru-${SERVICE}"' in runs
    assert "--no-dev" in runs and "--frozen" in runs and "--no-editable" in runs
    # every service has the console script the link points at
    for service in SERVICES:
        pyproject = (ROOT / "services" / service / "pyproject.toml").read_text()
        assert f'luutru-{service} = "luutru_{service}.cli:main"' in pyproject
        # the dependency layer needs every member's pyproject
        assert f"COPY services/{service}/pyproject.toml" in DOCKERFILE


def test_pinned_versions_agree_with_the_repository():
    bootstrap = (ROOT / "scripts" / "bootstrap.sh").read_text()
    uv_version = re.search(r'^UV_VERSION="([^"]+)"', bootstrap, re.M).group(1)
    assert f"ARG UV_VERSION={uv_version}" in DOCKERFILE
    requires = (ROOT / "pyproject.toml").read_text()
    minor = re.search(r'requires-python = ">=3\.(\d+),<3\.(\d+)"', requires).group(1)
    assert f"ARG PYTHON_IMAGE=python:3.{minor}-slim" in DOCKERFILE


def test_the_build_context_holds_what_the_build_copies_and_nothing_else():
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "**", "start from an empty context"
    included = {line[1:] for line in lines if line.startswith("!")}
    for stage in stages(DOCKERFILE):
        for ins, arg in stage:
            if ins == "COPY" and "--from=" not in arg:
                *sources, _ = shlex.split(arg)
                for source in sources:
                    top = source.split("/")[0]
                    assert top in included or f"{top}/**" in included, source


def test_hadolint_passes():
    assert HADOLINT.exists(), "run: source scripts/bootstrap.sh && ensure_deploy_tools"
    result = subprocess.run(
        [str(HADOLINT), "--no-color", "Dockerfile"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "bad",
    [
        'FROM python:3.11-slim\nUSER root\nCMD ["python"]\n',  # DL3002: last USER root
        'FROM python:latest\nCMD ["python"]\n',  # DL3007: latest tag
    ],
)
def test_hadolint_rejects_a_bad_dockerfile(tmp_path, bad):
    path = tmp_path / "Dockerfile"
    path.write_text(bad)
    result = subprocess.run([str(HADOLINT), "--no-color", str(path)], capture_output=True)
    assert result.returncode != 0


def test_the_images_carry_every_browser_library_the_console_serves():
    from luutru_console.app import VENDOR_FILES

    vendor = next(s for s in stages(DOCKERFILE) if any("npm ci" in arg for _, arg in s))
    copied = " ".join(arg for ins, arg in vendor if ins == "RUN")
    for path in VENDOR_FILES.values():
        assert f"node_modules/{path}" in copied, path
    assert "LUUTRU_CONSOLE_VENDOR_DIR=/app/console-vendor/node_modules" in DOCKERFILE
