"""The console's own files (page modules, styles, icon, the pinned browser libraries), held in
memory with their gzip form made once, a content hash as their version, and the page that
names each by its versioned address.

- ``/static/...`` and ``/vendor/...`` asked with ``?v=<the file's current hash>`` are cached
  for a year (``immutable``); asked without it (or with an old one) they are revalidated
  (``no-cache`` and an ETag). The page itself (index.html) is always revalidated, so after a
  deploy the browser asks for the new versions and never mixes old and new modules.
- The page's import map gets an entry per module and library (``"/static/js/api.js":
  "/static/js/api.js?v=…"``): a module's relative imports resolve to its address and the map
  turns that into the versioned one, with no build step. Its CSP hash is computed on the page
  as served (app.py).
- gzip only for these files, made once per version: API answers pass through untouched and
  streamed (the live alert stream must not be held back by a compressor).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_COMPRESSIBLE = ("text/", "application/javascript", "image/svg+xml", "application/json")
_IMPORT_MAP = re.compile(r'(<script type="importmap">)(.*?)(</script>)', re.S)
_LOCAL_REF = re.compile(r'((?:src|href)=")(/(?:static|vendor)/[^"?#]+)(")')
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    version: str
    media_type: str
    stamp: tuple[int, int]  # (mtime_ns, size) of the file it was read from

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def _read(path: Path) -> Asset:
    stat = path.stat()
    body = path.read_bytes()
    media_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    media_type = media_type or "application/octet-stream"
    gzipped = None
    if media_type.startswith(_COMPRESSIBLE) and len(body) > 512:
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        gzipped = packed if len(packed) < len(body) else None
    version = hashlib.sha256(body).hexdigest()[:16]
    return Asset(body, gzipped, version, media_type, (stat.st_mtime_ns, stat.st_size))


class Assets:
    """url ("/static/js/main.js", "/vendor/chart.js") → Asset, re-read when its file changed
    (a developer's edit shows on the next load without a restart)."""

    def __init__(self, static_dir: Path, vendor: dict[str, Path]) -> None:
        self.static_dir = static_dir.resolve()
        self.vendor = vendor
        self._cache: dict[str, Asset] = {}

    def _path(self, url: str) -> Path | None:
        if url.startswith("/vendor/"):
            return self.vendor.get(url.removeprefix("/vendor/"))
        if not url.startswith("/static/"):
            return None
        relative = url.removeprefix("/static/")
        if not relative or any(part in ("", ".", "..") for part in relative.split("/")):
            return None
        path = (self.static_dir / relative).resolve()
        if not path.is_relative_to(self.static_dir) or path.name in (
            "index.html",
            "guest.html",
            "sw.js",
        ):
            return None
        return path

    def get(self, url: str) -> Asset | None:
        path = self._path(url)
        if path is None:
            return None
        try:
            stat = path.stat()
        except OSError:
            self._cache.pop(url, None)
            return None
        if not path.is_file():
            return None
        cached = self._cache.get(url)
        if cached is None or cached.stamp != (stat.st_mtime_ns, stat.st_size):
            cached = self._cache[url] = _read(path)
        return cached

    def urls(self) -> list[str]:
        """Every module and library the page may load (for its import map)."""
        modules = sorted(
            "/static/" + p.relative_to(self.static_dir).as_posix()
            for p in self.static_dir.rglob("*.js")
        )
        return modules + [f"/vendor/{name}" for name in sorted(self.vendor)]

    def versioned(self, url: str) -> str:
        asset = self.get(url)
        return f"{url}?v={asset.version}" if asset else url

    def page(self, template: str) -> str:
        """index.html with every local address versioned and the import map completed."""

        def complete(match: re.Match[str]) -> str:
            imports = json.loads(match.group(2))["imports"]
            # Bare names ("preact") → the versioned library; then every file by its address.
            imports = {name: self.versioned(url) for name, url in imports.items()}
            for url in self.urls():
                if self.get(url) is not None:
                    imports[url] = self.versioned(url)
            text = json.dumps({"imports": imports}, separators=(",", ":"))
            return match.group(1) + text + match.group(3)

        page = _IMPORT_MAP.sub(complete, template)
        return _LOCAL_REF.sub(lambda m: m.group(1) + self.versioned(m.group(2)) + m.group(3), page)


def accepts_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip().removeprefix("q=")
            try:
                return not params.strip().startswith("q=") or float(q) > 0
            except ValueError:
                return True
    return False
