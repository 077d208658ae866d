"""The console's type check: every browser module asks for it (`// @ts-check`), TypeScript
(pinned in services/console/package.json, installed by scripts/bootstrap.sh) reads all of
them with services/console/tsconfig.json and finds nothing, and the same settings do report a
type error — so a green run means the modules were checked, not skipped."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.runs_long(50)  # seconds, about: handed to a worker first

CONSOLE = Path(__file__).resolve().parents[2] / "services" / "console"
MODULES = CONSOLE / "src" / "luutru_console" / "static" / "js"
TSC = CONSOLE / "node_modules" / "typescript" / "bin" / "tsc"


@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    assert path, "Node.js is needed for the console's type check (scripts/bootstrap.sh installs it)"
    assert TSC.is_file(), f"{TSC} is missing: run scripts/bootstrap.sh (npm ci in services/console)"
    return path


def tsc(node: str, *args: str, cwd: Path = CONSOLE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node, str(TSC), *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def modules() -> list[Path]:
    return sorted(MODULES.rglob("*.js"))


def test_every_module_asks_for_the_check():
    assert modules()
    unchecked = [
        str(m.relative_to(MODULES))
        for m in modules()
        if not m.read_text(encoding="utf-8").startswith("// @ts-check\n")
    ]
    assert not unchecked, f"modules without `// @ts-check` on their first line: {unchecked}"


def console_config() -> dict:
    """tsconfig.json as data (its `//` comment lines dropped: TypeScript reads JSON with comments)."""
    return json.loads(
        "\n".join(
            line
            for line in (CONSOLE / "tsconfig.json").read_text().splitlines()
            if not line.lstrip().startswith("//")
        )
    )


def test_the_check_is_strict():
    """Full strict, nothing of it turned back off: an unannotated parameter or a value that may
    be null is a finding, not a silent `any`."""
    options = console_config()["compilerOptions"]
    assert options["strict"] is True
    relaxed = {
        flag: options[flag]
        for flag in (
            "noImplicitAny",
            "strictNullChecks",
            "strictFunctionTypes",
            "strictBindCallApply",
            "strictPropertyInitialization",
            "noImplicitThis",
            "useUnknownInCatchVariables",
            "alwaysStrict",
        )
        if flag in options and options[flag] is not True
    }
    assert not relaxed, f"strict options turned off in tsconfig.json: {relaxed}"


def test_no_module_silences_the_check():
    """`@ts-ignore` and `@ts-nocheck` hide findings; an `@ts-expect-error` says why on its line."""
    silenced = []
    for m in modules():
        for number, line in enumerate(m.read_text(encoding="utf-8").splitlines(), 1):
            _, expect, reason = line.partition("@ts-expect-error")
            if "@ts-ignore" in line or "@ts-nocheck" in line or (expect and not reason.strip()):
                silenced.append(f"{m.relative_to(MODULES)}:{number}")
    assert not silenced, f"type findings silenced without a reason: {silenced}"


def test_typescript_is_the_pinned_version(node):
    pinned = json.loads((CONSOLE / "package.json").read_text())["devDependencies"]["typescript"]
    installed = json.loads((TSC.parents[1] / "package.json").read_text())["version"]
    assert installed == pinned


def test_the_console_modules_have_no_type_errors(node):
    listed = tsc(node, "-p", ".", "--listFilesOnly")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    read = {Path(line).resolve() for line in listed.stdout.splitlines() if line.strip()}
    missed = [str(m.relative_to(MODULES)) for m in modules() if m.resolve() not in read]
    assert not missed, f"tsconfig.json leaves these modules out: {missed}"

    result = tsc(node, "-p", ".", "--pretty", "false")
    assert result.returncode == 0, f"type errors in the console:\n{result.stdout}{result.stderr}"


def test_the_check_reports_a_type_error(node, tmp_path):
    """The console's settings on a copy of one module with a mistake a page could make."""
    broken = tmp_path / "js" / "i18n.js"
    broken.parent.mkdir()
    source = (MODULES / "i18n.js").read_text(encoding="utf-8")
    broken.write_text(
        source
        + "\nexport const wrong = fmtNumber(1).toFixed(2);"
        # strict: a parameter without a type, and a value that may be null used as if not
        + "\nexport const untyped = (value) => value;"
        + "\nexport const title = document.querySelector('h1').textContent;\n",
        "utf-8",
    )
    config = console_config()
    config["include"] = ["js/*.js", str(CONSOLE / "types" / "*.d.ts")]
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    (tmp_path / "node_modules").symlink_to(CONSOLE / "node_modules")

    result = tsc(node, "-p", ".", "--pretty", "false", cwd=tmp_path)
    assert result.returncode != 0
    assert "Property 'toFixed' does not exist on type 'string'" in result.stdout, result.stdout
    assert "Parameter 'value' implicitly has an 'any' type" in result.stdout, result.stdout
    assert "is possibly 'null'" in result.stdout, result.stdout
