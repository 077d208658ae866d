"""Feature folders of one service import their own folder, the service's `core/`, the modules
at the package root (models, settings, context, text...) and libs/common — never another
feature folder; `core/` imports no feature folder at all. What two features share belongs in
the core, so a feature can change without reading its neighbours (issue 13)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
PACKAGES = {
    "accounts": SERVICES / "accounts/src/luutru_accounts",
    "analytics": SERVICES / "analytics/src/luutru_analytics",
    "ingest": SERVICES / "ingest/src/luutru_ingest",
}
# Sub-packages that are not features: the shared core and the schema's migration chain.
NOT_FEATURES = {"core", "migrations", "__pycache__"}


def feature_folders(package: Path) -> set[str]:
    return {p.name for p in package.iterdir() if p.is_dir() and p.name not in NOT_FEATURES}


def imported_modules(path: Path, package: Path) -> list[tuple[int, str]]:
    """Every module `path` imports (relative imports resolved), with its line."""
    module = (path.relative_to(package.parent)).with_suffix("").parts
    if module[-1] == "__init__":
        module = module[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # `from . import x` in a/b/c.py is a.b; each further dot goes one up.
                base = module[: len(module) - node.level + (path.name == "__init__.py")]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            # `from pkg import sub` may name a sub-module: judge `pkg.sub` as well.
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def crossings(package: Path) -> list[str]:
    """Imports that leave a feature folder for another one, or the core for any feature."""
    features = feature_folders(package)
    wrong = []
    for folder in sorted(features | {"core"}):
        for path in sorted((package / folder).rglob("*.py")):
            for line, name in imported_modules(path, package):
                parts = name.split(".")
                if parts[0] != package.name or len(parts) < 2:
                    continue
                target = parts[1]
                if target in features and target != folder:
                    where = path.relative_to(package.parent)
                    wrong.append(f"{where}:{line} imports {name}")
    return wrong


@pytest.mark.parametrize("service", sorted(PACKAGES))
def test_features_import_only_their_core(service: str) -> None:
    package = PACKAGES[service]
    assert (package / "core").is_dir(), f"{service} has no core/"
    assert len(feature_folders(package)) >= 3, "the walk found no feature folders"
    assert crossings(package) == []


def test_the_walk_finds_a_crossing(tmp_path: Path) -> None:
    """The check itself can fail: a feature that imports its neighbour, absolutely or
    relatively, and a core that imports a feature are each reported."""
    package = tmp_path / "luutru_demo"
    for folder in ("core", "stays", "trips"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "models.py").write_text("")
    (package / "core/rules.py").write_text("from luutru_demo.trips import service\n")
    (package / "stays/service.py").write_text(
        "from luutru_demo import models\n"
        "from luutru_demo.core import rules\n"
        "from luutru_demo.stays import schemas\n"
    )
    (package / "trips/service.py").write_text(
        "from luutru_demo.core.rules import x\n"
        "import luutru_demo.stays.service\n"
        "from ..stays import schemas\n"
        "from luutru_demo import stays\n"
    )
    assert crossings(package) == [
        "luutru_demo/core/rules.py:1 imports luutru_demo.trips.service",
        "luutru_demo/trips/service.py:2 imports luutru_demo.stays.service",
        "luutru_demo/trips/service.py:3 imports luutru_demo.stays.schemas",
        "luutru_demo/trips/service.py:4 imports luutru_demo.stays",
    ]
