"""Pin the images of a kustomize overlay to their registry digests.

    uv run python deploy/tools/pin_digests.py deploy/k8s/overlays/prod
    uv run python deploy/tools/pin_digests.py --ref python:3.11-slim-bookworm

The first form asks the registry for the digest of every ``images:`` entry's
``newName:newTag`` and writes it into the entry as ``digest: sha256:…`` (kustomize then
renders ``newName:newTag@sha256:…``: the tag names the release for people, the digest is what
the kubelet pulls;
a re-pushed tag changes nothing until this is run again and the change reviewed). The second
prints ``ref@sha256:…``, for the Dockerfile's base images (``--build-arg
PYTHON_IMAGE=…``, ``NODE_IMAGE=…``).

Run by an operator or the release CI where the registry is reachable, with one of `crane`
(go-containerregistry), `skopeo` or `regctl` on PATH; the digest is the one of the manifest
list when the image has several platforms. Nothing here guesses: a resolver that answers
anything but a sha256 digest stops the run and the file is left as it was.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
# The overlays write their images one per line in flow style: {name: …, newName: …, newTag: …}
IMAGE_LINE = re.compile(r"^(?P<indent>\s*- )\{(?P<body>[^}]*)\}(?P<rest>.*)$")


def resolve(reference: str) -> str:
    """The registry's sha256 digest of ``reference`` (name:tag)."""
    if shutil.which("crane"):
        out = _run(["crane", "digest", reference]).strip()
    elif shutil.which("skopeo"):
        raw = subprocess.run(
            ["skopeo", "inspect", "--raw", f"docker://{reference}"],
            check=True,
            capture_output=True,
        ).stdout
        out = "sha256:" + hashlib.sha256(raw).hexdigest()
    elif shutil.which("regctl"):
        out = _run(["regctl", "image", "digest", reference]).strip()
    else:
        raise SystemExit("no resolver: install crane, skopeo or regctl")
    if not DIGEST.match(out):
        raise SystemExit(f"{reference}: the resolver answered {out[:80]!r}, not a sha256 digest")
    return out


def _run(command: list[str]) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _fields(body: str) -> list[tuple[str, str]]:
    pairs = []
    for part in body.split(","):
        key, _, value = part.partition(":")
        pairs.append((key.strip(), value.strip()))
    return pairs


def pin_kustomization(path: Path) -> list[str]:
    """Write the digest into every flow-style ``images:`` entry of ``path`` that has a
    ``newName`` and ``newTag``; returns the ``name@digest`` pinned."""
    lines = path.read_text().splitlines(keepends=True)
    out, pinned, in_images = [], [], False
    for line in lines:
        if re.match(r"^images:\s*$", line):
            in_images = True
        elif in_images and re.match(r"^\S", line):
            in_images = False
        match = IMAGE_LINE.match(line.rstrip("\n")) if in_images else None
        if match:
            fields = dict(_fields(match["body"]))
            name, tag = fields.get("newName"), fields.get("newTag", "").strip("\"'")
            if name and tag:
                digest = resolve(f"{name}:{tag}")
                kept = [(k, v) for k, v in _fields(match["body"]) if k != "digest"]
                body = ", ".join(f"{k}: {v}" for k, v in [*kept, ("digest", digest)])
                line = f"{match['indent']}{{{body}}}{match['rest']}\n"
                pinned.append(f"{name}@{digest}")
        out.append(line)
    path.write_text("".join(out))  # only once every digest is known
    return pinned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("overlay", nargs="?", help="a kustomize overlay directory")
    parser.add_argument("--ref", help="print this image reference pinned to its digest")
    args = parser.parse_args(argv)
    if args.ref:
        print(f"{args.ref}@{resolve(args.ref)}")
        return 0
    if not args.overlay:
        parser.error("give an overlay directory or --ref")
    for line in pin_kustomization(Path(args.overlay) / "kustomization.yaml"):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
