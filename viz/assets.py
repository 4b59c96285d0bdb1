"""Make solara's page assets available offline, by filling solara's asset proxy cache.

A solara page loads its JavaScript, CSS and fonts from ``/_solara/cdn/<path>``; the solara
server answers from its proxy cache directory when ``<cache>/<path>`` exists, and only otherwise
tries the public CDN (which fails with no internet, leaving the page blank). The cache uses the
CDN's npm layout, ``<cache>/<npm spec as written in the URL>/<file in the package>``, so each
package the page asks for is fetched once with ``npm pack SPEC`` and unpacked there.

Run ``python -m viz.assets`` (idempotent: packages already cached are skipped; one line per
package), or ``python -m viz.assets --check`` to only report whether the cache is complete
(exit status 1 if not). The packages are read from the installed solara's own sources, so an
upgrade of solara is followed; ``FALLBACK_SPECS`` serves if none can be read.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import re
import shutil
import site
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

#: What solara 1.64.1 (with ipyvue < 2) asks for, used when its sources cannot be read.
FALLBACK_SPECS: tuple[str, ...] = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "vega@5",
    "vega-lite@5",
    "vega-embed@6",
    "mermaid@10.8.0",
    "katex@0.16.9",
    "echarts@5.4.0",
)

#: solara's files (relative to its package folder) that name the npm packages its pages load.
SOURCE_FILES: tuple[str, ...] = (
    "server/templates/solara.html.j2",
    "server/settings.py",  # the font-awesome path
    "widgets/vue/*.vue",
    "components/markdown.py",
    "components/echarts.vue",  # solara.FigureEcharts: "echarts@${version}" with the version above
)

#: Written into a package's folder once it is completely unpacked.
MARKER = ".viz-assets-complete"

# An npm spec followed by a path inside the package: "/vega-lite@5/build/...",
# "/@widgetti/vue-grid-layout@2.3.13-alpha.2/dist/...".
_SPEC_IN_URL = re.compile(r"/((?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*@\d[\w.-]*)/", re.IGNORECASE)
# A Vue file that names its package's version in a constant: const version = "5.4.0";
_VERSION_CONSTANT = re.compile(r"""const version = ["']([\w.-]+)["']""")


def _solara_dir() -> Path | None:
    """The installed solara package's folder, found without importing solara (which is slow)."""
    spec = importlib.util.find_spec("solara")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def cache_dir() -> Path:
    """The directory of solara's asset proxy cache (``solara.server.settings.assets``).

    Computed as solara computes it, without importing solara: ``SOLARA_ASSETS_PROXY_CACHE_DIR``
    if set, else ``<prefix>/share/solara/cdn`` where prefix is ``sys.prefix`` (the venv), or the
    user base for a ``pip install --user`` solara.
    """
    for name, value in os.environ.items():
        if name.upper() == "SOLARA_ASSETS_PROXY_CACHE_DIR" and value:
            return Path(value)
    prefix = sys.prefix
    solara_dir = _solara_dir()
    user_base = site.getuserbase()
    if user_base and solara_dir is not None and str(solara_dir).startswith(user_base):
        prefix = user_base
    return Path(prefix) / "share" / "solara" / "cdn"


def _wanted_vuetify_app(spec: str) -> bool:
    """Whether the page loads this solara-vuetify app: the Vue 3 one only with ipyvue 3."""
    try:
        vue3 = importlib.metadata.version("ipyvue").startswith("3")
    except importlib.metadata.PackageNotFoundError:
        vue3 = False
    if spec.startswith("@widgetti/solara-vuetify3-app@"):
        return vue3
    if spec.startswith("@widgetti/solara-vuetify-app@"):
        return not vue3
    return True


def _with_version_filled_in(text: str) -> str:
    """The text with ``${version}`` replaced by the file's ``const version`` (if it has one)."""
    constant = _VERSION_CONSTANT.search(text)
    return text.replace("${version}", constant.group(1)) if constant else text


def wanted_specs() -> list[str]:
    """The npm specs the installed solara's pages ask for, in the order first named."""
    specs: list[str] = []
    solara_dir = _solara_dir()
    if solara_dir is not None:
        for pattern in SOURCE_FILES:
            for path in sorted(solara_dir.glob(pattern)):
                try:
                    text = path.read_text(encoding="utf-8")
                except OSError:
                    continue
                for spec in _SPEC_IN_URL.findall(_with_version_filled_in(text)):
                    if spec not in specs and _wanted_vuetify_app(spec):
                        specs.append(spec)
    return specs or list(FALLBACK_SPECS)


def missing_specs(cache: Path | None = None) -> list[str]:
    """The wanted specs not yet completely in the cache."""
    cache = cache_dir() if cache is None else cache
    return [spec for spec in wanted_specs() if not (cache / spec / MARKER).is_file()]


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def _unpack(tarball: Path, target: Path) -> None:
    """Unpack an npm tarball into ``target``, without its top folder (``package/``)."""
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            parts = Path(member.name).parts
            if len(parts) < 2 or not (member.isfile() or member.isdir()):
                continue  # the top folder itself, or a link: npm packages need neither
            member.name = str(Path(*parts[1:]))
            archive.extract(member, target, filter="data")


def fetch(spec: str, cache: Path, npm: str) -> None:
    """Fetch one npm package with ``npm pack`` and unpack it into ``<cache>/<spec>/``."""
    target = cache / spec
    with tempfile.TemporaryDirectory(prefix="viz-assets-") as tmp:
        result = subprocess.run(
            [npm, "pack", spec, "--silent", "--pack-destination", tmp],
            cwd=tmp,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if result.returncode != 0 or len(tarballs) != 1:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise RuntimeError(f"npm pack {spec} failed: {detail[-1] if detail else 'no tarball'}")
        if target.exists():
            shutil.rmtree(target)  # a partial earlier attempt
        target.mkdir(parents=True)
        _unpack(tarballs[0], target)
    # The page may ask for X.min.js where the package has only X.js (requirejs: require.min.js).
    for js in list(target.rglob("require.js")):
        minified = js.with_name("require.min.js")
        if not minified.exists():
            shutil.copyfile(js, minified)
    (target / MARKER).write_text(f"{spec}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Fill solara's asset cache; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m viz.assets", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--check", action="store_true", help="only check; exit status 1 if anything is missing"
    )
    args = parser.parse_args(argv)

    cache = cache_dir()
    missing = missing_specs(cache)
    if args.check:
        for spec in missing:
            print(f"assets: missing {spec}")
        if not missing:
            print(f"assets: complete in {cache}")
        return 1 if missing else 0

    npm = shutil.which("npm")
    if missing and npm is None:
        print(
            "assets: error: npm not found; install Node.js/npm (e.g. apt-get install npm) "
            "and run `python -m viz.assets` again",
            file=sys.stderr,
        )
        return 1
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"assets: error: cannot create the cache directory {cache}: {error}", file=sys.stderr)
        return 1
    status = 0
    for spec in wanted_specs():
        if spec not in missing:
            print(f"assets: {spec}: already cached")
            continue
        start = time.perf_counter()
        try:
            fetch(spec, cache, npm)  # type: ignore[arg-type]
        except (RuntimeError, OSError, tarfile.TarError) as error:
            print(f"assets: {spec}: error: {error}", file=sys.stderr)
            status = 1
            continue
        seconds = time.perf_counter() - start
        print(f"assets: {spec}: fetched ({_size_mb(cache / spec):.1f} MB, {seconds:.1f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
