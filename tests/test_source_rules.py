"""Rules of the code base: every draw through the model's generators; layers kept apart.

The model's modules (``model/``, ``agents/``) must never draw from numpy's global generator
(``np.random.random()`` and the like) nor from the stdlib ``random`` module, which would break
"same seed, same run"; and they must never import the app (``viz``) or the experiments.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

MODEL_PACKAGES = ("model", "agents")
ALLOWED_NUMPY_RANDOM = {"Generator", "SeedSequence", "default_rng", "BitGenerator", "PCG64"}
"""Names of numpy.random that are types or seeded constructors, not global draws."""
FORBIDDEN_LAYERS = ("viz", "experiments")


def model_sources() -> list[Path]:
    files = sorted(
        path for package in MODEL_PACKAGES for path in (PROJECT_ROOT / package).rglob("*.py")
    )
    assert len(files) >= 10, files
    return files


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def randomness_violations(source: str) -> list[str]:
    """Uses of numpy's global generator or of the stdlib random module in ``source``."""
    tree = ast.parse(source)
    numpy_names = {"numpy"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "random" or alias.name.startswith("random."):
                    found.append(f"line {node.lineno}: import {alias.name}")
                if alias.name == "numpy":
                    numpy_names.add(alias.asname or "numpy")
                if alias.name == "numpy.random":
                    found.append(f"line {node.lineno}: import numpy.random")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module == "random" or module.startswith("random."):
                found.append(f"line {node.lineno}: from {module} import ...")
            if module == "numpy.random":
                for alias in node.names:
                    if alias.name not in ALLOWED_NUMPY_RANDOM:
                        found.append(f"line {node.lineno}: from numpy.random import {alias.name}")
            if module == "numpy" and any(alias.name == "random" for alias in node.names):
                found.append(f"line {node.lineno}: from numpy import random")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted is None:
                continue
            parts = dotted.split(".")
            if len(parts) >= 3 and parts[0] in numpy_names and parts[1] == "random":
                if parts[2] not in ALLOWED_NUMPY_RANDOM:
                    found.append(f"line {node.lineno}: {dotted}")
    return found


def layer_violations(source: str, forbidden: tuple[str, ...] = FORBIDDEN_LAYERS) -> list[str]:
    """Imports of the ``forbidden`` packages in ``source`` (the app and the experiments)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        for name in names:
            if name.split(".")[0] in forbidden:
                found.append(f"line {node.lineno}: imports {name}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "import numpy as np\nx = np.random.random(3)\n",
        "import numpy\nnumpy.random.shuffle(a)\n",
        "import numpy as np\nnp.random.seed(1)\n",
        "import random\n",
        "from random import choice\n",
        "from numpy.random import rand\n",
        "from numpy import random\n",
    ],
)
def test_the_randomness_check_catches_global_draws(source):
    assert randomness_violations(source)


def test_the_randomness_check_allows_generators():
    source = (
        "import numpy as np\n"
        "def f(rng: np.random.Generator) -> np.random.Generator:\n"
        "    return np.random.default_rng(np.random.SeedSequence(1))\n"
        "x = rng.random(3)\nself.random.shuffle(a)\n"
    )
    assert randomness_violations(source) == []


def test_the_layer_check_catches_imports():
    assert layer_violations("import viz.app\n")
    assert layer_violations("from experiments.cli import main\n")
    assert layer_violations("from model.run import simulate\n") == []


@pytest.mark.parametrize("path", model_sources(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_model_code_draws_only_from_seeded_generators(path):
    assert randomness_violations(path.read_text()) == []


@pytest.mark.parametrize("path", model_sources(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_model_code_never_imports_the_app_or_experiments(path):
    assert layer_violations(path.read_text()) == []


AGENT_SOURCES = sorted((PROJECT_ROOT / "agents").rglob("*.py"))


@pytest.mark.parametrize("path", AGENT_SOURCES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_agents_never_import_the_model(path):
    # agents read the model through agents.world.World, so there is no circle agents <-> model
    assert layer_violations(path.read_text(), ("model", "viz", "experiments")) == []


EXPERIMENT_SOURCES = sorted((PROJECT_ROOT / "experiments").rglob("*.py"))


@pytest.mark.parametrize("path", EXPERIMENT_SOURCES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_experiments_never_import_the_app(path):
    assert layer_violations(path.read_text(), ("viz",)) == []


def test_no_global_draws_even_as_text():
    """A plain grep as well, for uses the syntax check could miss (strings fed to eval...)."""
    for path in model_sources():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if "np.random." in code:
                rest = code.split("np.random.", 1)[1]
                assert rest.startswith(tuple(ALLOWED_NUMPY_RANDOM)), f"{path}:{number}: {line}"
            assert not code.strip().startswith(("import random", "from random ")), (
                f"{path}:{number}: {line}"
            )


ENGINE_SOURCES = sorted((PROJECT_ROOT / "experiments" / "engine").rglob("*.py"))


def engine_violations(source: str) -> list[str]:
    """Imports of anything in ``experiments`` outside the engine, or of the app."""
    found = layer_violations(source, ("viz",))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith("experiments") and not name.startswith("experiments.engine"):
                found.append(f"line {node.lineno}: imports {name}")
    return found


def test_the_engine_check_catches_research_imports():
    assert engine_violations("from experiments.research import run_experiment\n")
    assert engine_violations("import experiments.cli\n")
    assert engine_violations("from experiments.engine.spec import load_sweep\n") == []


@pytest.mark.parametrize("path", ENGINE_SOURCES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_the_sweep_engine_imports_nothing_of_the_research_or_the_app(path):
    assert engine_violations(path.read_text()) == []
