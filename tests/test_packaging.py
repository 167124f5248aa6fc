"""Packaging: the wheel installs clean, and ``import lrcore`` stays light.

The wheel and sdist are built once for this module (``python -m build --no-isolation``
from a copy of the tree, so nothing is written into it and no network is needed),
then installed with ``pip install --no-deps --no-index`` into a fresh virtual
environment that has no NumPy, torch, Paddle or JAX: there the package must import,
build schedules and run its console script.

``import lrcore`` imports no schedule module (``lrcore/__init__.py`` resolves its
names on first use); the tests here check that, that every public name still
resolves, that the tables behind the lazy names agree with each other and with the
registry, and that the adapters name the extra to install when their framework is
missing (simulated by a meta path finder that refuses the framework's import).
Import *time* is measured by ``bench/bench_import.py``, never asserted here.
"""

from __future__ import annotations

import ast
import email.parser
import importlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest

import lrcore

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("numpy", "torch", "paddle", "jax", "optax", "matplotlib")
PACKAGES = ("lrcore", "lrcore_torch", "lrcore_paddle", "lrcore_optax")
SOURCE_DIRS = {
    "lrcore": ROOT / "lrcore",
    "lrcore_torch": ROOT / "adapters" / "lrcore_torch",
    "lrcore_paddle": ROOT / "adapters" / "lrcore_paddle",
    "lrcore_optax": ROOT / "adapters" / "lrcore_optax",
}
# What each extra must install (distribution names, as in Requires-Dist).
EXTRAS = {
    "torch": {"torch"},
    "paddle": {"paddlepaddle"},
    "jax": {"jax", "optax"},
    "plot": {"matplotlib"},
    "yaml": {"pyyaml"},
}
COSINE = {"name": "cosine_annealing", "T_max": 10}


def _environment() -> dict[str, str]:
    """The caller's environment, minus anything that would put this tree on sys.path."""
    env = dict(os.environ)
    for key in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"):
        env.pop(key, None)
    return env


def _run(
    args: list[str], cwd: Path, timeout: float = 300.0, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, cwd=cwd, env=_environment(), capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def _python(code: str, cwd: Path = ROOT, python: str = sys.executable) -> Any:
    """Run ``code`` in a fresh interpreter; it prints one JSON value, returned here."""
    result = _run([python, "-c", textwrap.dedent(code)], cwd=cwd)
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- import lrcore: nothing heavy, nothing eager ------------------------------------------


def test_import_lrcore_imports_no_framework_and_no_schedule_module() -> None:
    new = _python(
        """
        import json, sys
        before = set(sys.modules)
        import lrcore
        print(json.dumps(sorted(set(sys.modules) - before)))
        """
    )
    assert not [name for name in new if name.split(".")[0] in FRAMEWORKS], new
    assert [name for name in new if name.startswith("lrcore")] == ["lrcore"], (
        f"`import lrcore` imported {new}: public names must stay lazy (lrcore/__init__.py)"
    )


def test_from_config_imports_only_the_module_it_needs() -> None:
    got = _python(
        """
        import json, sys
        import lrcore
        schedule = lrcore.from_config({"name": "cosine_annealing", "T_max": 10})
        loaded = sorted(name for name in sys.modules if name.startswith("lrcore."))
        print(json.dumps({"values": [schedule(k) for k in range(21)], "loaded": loaded}))
        """
    )
    assert "lrcore._cosine" in got["loaded"]
    assert "lrcore._timm" not in got["loaded"], got["loaded"]
    # torch's CosineAnnealingLR closed form, oscillating past T_max.
    want = [0.5 * (1 + math.cos(math.pi * k / 10)) for k in range(21)]
    for step, (value, expected) in enumerate(zip(got["values"], want, strict=True)):
        assert math.isclose(value, expected, rel_tol=1e-12, abs_tol=1e-15), step


def test_registry_is_complete_before_any_schedule_is_imported() -> None:
    got = _python(
        """
        import json
        import lrcore
        from lrcore import Schedule
        clash = ""
        try:
            class Mine(Schedule, name="timm_tanh"):  # defined in lrcore._timm, not imported
                pass
        except ValueError as error:
            clash = str(error)
        unknown = ""
        try:
            lrcore.from_config({"name": "no_such_schedule"})
        except ValueError as error:
            unknown = str(error)
        print(json.dumps({"clash": clash, "unknown": unknown,
                          "names": sorted(lrcore.registered())}))
        """
    )
    assert "'timm_tanh' is already registered" in got["clash"]
    assert got["names"] == sorted(lrcore._SCHEDULES)
    assert got["names"] == sorted(lrcore.registered())
    assert all(name in got["unknown"] for name in got["names"]), got["unknown"]


def test_schedule_table_names_every_registered_schedule_and_its_module() -> None:
    got = _python(
        """
        import importlib, json, pkgutil
        import lrcore
        from lrcore import _schedule
        for module in pkgutil.iter_modules(lrcore.__path__):
            if module.name != "__main__":  # that one runs the command line
                importlib.import_module(f"lrcore.{module.name}")
        print(json.dumps({name: cls.__module__ for name, cls in _schedule._REGISTRY.items()}))
        """
    )
    missing = {
        name: module for name, module in got.items() if lrcore._SCHEDULES.get(name) != module
    }
    stale = sorted(set(lrcore._SCHEDULES) - set(got))
    assert not missing and not stale, (
        f"lrcore/__init__.py's _SCHEDULES is out of date: add {missing}, remove {stale}"
    )


def _type_checking_imports(tree: ast.Module) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in tree.body:
        test = node.test if isinstance(node, ast.If) else None
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
            assert isinstance(node, ast.If)
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom) and statement.module
                for alias in statement.names:
                    names[alias.asname or alias.name] = statement.module
    return names


def test_export_tables_agree() -> None:
    tree = ast.parse((ROOT / "lrcore" / "__init__.py").read_text())
    imports = _type_checking_imports(tree)
    exports = {name: module for module, names in lrcore._EXPORTS.items() for name in names}
    assert imports == exports, (
        "lrcore/__init__.py: the TYPE_CHECKING imports and _EXPORTS differ: "
        f"only imported {sorted(set(imports) - set(exports))}, only in _EXPORTS "
        f"{sorted(set(exports) - set(imports))}, different modules "
        f"{sorted(n for n in set(imports) & set(exports) if imports[n] != exports[n])}"
    )
    assert sorted(lrcore.__all__) == sorted(exports), (
        f"__all__ vs _EXPORTS: {sorted(set(lrcore.__all__) ^ set(exports))}"
    )


def test_every_public_name_resolves_to_its_definition() -> None:
    for name in lrcore.__all__:
        module = importlib.import_module(lrcore._WHERE[name])
        assert getattr(lrcore, name) is getattr(module, name), name
    assert set(lrcore.__all__) <= set(dir(lrcore))
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        lrcore.NoSuchName  # noqa: B018
    star = _python(
        """
        import json
        from lrcore import *
        print(json.dumps(sorted(name for name in dir() if not name.startswith("_"))))
        """
    )
    assert set(lrcore.__all__) <= set(star)


# -- the adapters without their framework --------------------------------------------------

BLOCK = """
import json, sys

class Refuse:
    # Behaves as if {blocked!r} were not installed.
    def find_spec(self, name, path=None, target=None):
        if name == {blocked!r} or name.startswith({blocked!r} + "."):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, Refuse())
try:
    import {module}
except ModuleNotFoundError as error:
    print(json.dumps([error.name, str(error)]))
else:
    print(json.dumps(None))
"""


@pytest.mark.parametrize(
    ("module", "blocked", "hints"),
    [
        ("lrcore_torch", "torch", ["pip install 'lrcore[torch]'", "download.pytorch.org/whl/cpu"]),
        ("lrcore_paddle", "paddle", ["pip install 'lrcore[paddle]'", "paddlepaddle"]),
        ("lrcore_optax", "jax", ["pip install 'lrcore[jax]'", "jax"]),
        ("lrcore_optax", "optax", ["pip install 'lrcore[jax]'", "optax"]),
    ],
)
def test_adapter_without_its_framework_names_the_extra(
    module: str, blocked: str, hints: list[str]
) -> None:
    got = _python(BLOCK.format(module=module, blocked=blocked))
    assert got is not None, f"{module} imported with {blocked} refused"
    name, message = got
    assert name == blocked
    assert message.startswith(f"{module} needs"), message
    for hint in hints:
        assert hint in message, message


# -- the wheel and the sdist ---------------------------------------------------------------

_COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "build",
    "dist",
    "site",
    "artifacts",
)


class Built:
    def __init__(self, wheel: Path, sdist: Path, log: str) -> None:
        self.wheel = wheel
        self.sdist = sdist
        self.log = log


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("dist")
    source = base / "src"
    shutil.copytree(ROOT, source, ignore=_COPY_IGNORE)
    out = base / "out"
    # The sdist first, then the wheel from the sdist (build's default): the wheel
    # also proves that the sdist holds everything needed to build it.
    result = _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        cwd=base,
        timeout=600,
    )
    (wheel,) = out.glob("lrcore-*.whl")
    (sdist,) = out.glob("lrcore-*.tar.gz")
    return Built(wheel, sdist, result.stdout + result.stderr)


@pytest.fixture(scope="module")
def venv(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed, no extras, no network."""
    home = tmp_path_factory.mktemp("venv") / "env"
    # Without its own pip (ensurepip costs tens of seconds): this pip installs into it.
    _run([sys.executable, "-m", "venv", "--without-pip", str(home)], cwd=home.parent)
    python = home / "bin" / "python"
    _run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"),
            *("--no-index", "--disable-pip-version-check", "--quiet", str(built.wheel)),
        ],
        cwd=home.parent,
    )
    return home


def test_build_prints_no_deprecation(built: Built) -> None:
    assert "`project.license` as a TOML table is deprecated" not in built.log
    deprecations = [line for line in built.log.splitlines() if "deprecat" in line.lower()]
    assert not deprecations, "\n".join(deprecations)


def test_wheel_ships_every_module_and_py_typed(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
    for package, directory in SOURCE_DIRS.items():
        assert f"{package}/py.typed" in names, package
        for source in directory.glob("*.py"):
            assert f"{package}/{source.name}" in names, f"{package}/{source.name}"
    top = {name.split("/")[0] for name in names}
    assert top == {*PACKAGES, built.wheel.name.split("-py3")[0] + ".dist-info"}, top


def test_wheel_metadata(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        (info,) = {name.split("/")[0] for name in wheel.namelist() if ".dist-info/" in name}
        metadata = email.parser.Parser().parsestr(wheel.read(f"{info}/METADATA").decode())
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
        license_text = wheel.read(f"{info}/licenses/LICENSE").decode()
    assert metadata["Name"] == "lrcore"
    assert metadata["Version"] == lrcore.__version__
    assert metadata["License-Expression"] == "Apache-2.0"
    assert license_text == (ROOT / "LICENSE").read_text()
    assert metadata.get_all("Requires-Dist") is not None
    unconditional = [r for r in metadata.get_all("Requires-Dist", []) if "extra ==" not in r]
    assert unconditional == [], f"the core must depend on nothing: {unconditional}"
    by_extra: dict[str, set[str]] = {}
    for requirement in metadata.get_all("Requires-Dist", []):
        spec, _, marker = requirement.partition(";")
        extra = re.fullmatch(r'\s*extra == "([^"]+)"\s*', marker)
        assert extra is not None, requirement
        project = re.match(r"[A-Za-z0-9_.\-]+", spec.strip())
        assert project is not None, requirement
        by_extra.setdefault(extra.group(1), set()).add(project.group(0).lower())
    for extra, projects in EXTRAS.items():
        assert extra in (metadata.get_all("Provides-Extra") or []), extra
        assert by_extra.get(extra) == projects, (extra, by_extra.get(extra))
    assert re.search(r"^lrcore = lrcore\.cli:main$", entry_points, re.MULTILINE), entry_points


def test_sdist_holds_license_readme_and_sources(built: Built) -> None:
    with tarfile.open(built.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
        root = sdist.getnames()[0].split("/")[0]
        license_file = sdist.extractfile(f"{root}/LICENSE")
        assert license_file is not None
        license_text = license_file.read().decode()
    for required in ("LICENSE", "README.md", "pyproject.toml", "PKG-INFO"):
        assert required in names, required
    assert "Apache License" in license_text and "Version 2.0" in license_text
    assert license_text == (ROOT / "LICENSE").read_text()
    assert "lrcore/py.typed" in names and "adapters/lrcore_torch/py.typed" in names


def test_clean_venv_imports_lrcore_without_any_framework(venv: Path, tmp_path: Path) -> None:
    got = _python(
        """
        import importlib.util, json, math, sys
        import lrcore
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in
                       ("numpy", "torch", "paddle", "jax", "optax", "matplotlib"))
        present = sorted(m for m in ("numpy", "torch", "paddle", "jax", "optax", "matplotlib")
                         if importlib.util.find_spec(m) is not None)
        schedule = lrcore.from_config({"name": "cosine_annealing", "T_max": 10})
        print(json.dumps({"file": lrcore.__file__, "heavy": heavy, "present": present,
                          "value": schedule(5), "names": sorted(lrcore.registered())}))
        """,
        cwd=tmp_path,
        python=str(venv / "bin" / "python"),
    )
    assert got["file"].startswith(str(venv)), got["file"]  # the wheel, not this tree
    assert got["present"] == [], f"the fresh venv has {got['present']}"
    assert got["heavy"] == []
    assert math.isclose(got["value"], 0.5 * (1 + math.cos(math.pi * 5 / 10)), rel_tol=1e-12)
    assert got["names"] == sorted(lrcore._SCHEDULES)


def test_clean_venv_adapter_says_which_extra(venv: Path, tmp_path: Path) -> None:
    for module, extra in (("lrcore_torch", "torch"), ("lrcore_optax", "jax")):
        result = _run(
            [str(venv / "bin" / "python"), "-c", f"import {module}"], cwd=tmp_path, check=False
        )
        assert result.returncode == 1
        assert f"ModuleNotFoundError: {module} needs" in result.stderr, result.stderr
        assert f"pip install 'lrcore[{extra}]'" in result.stderr, result.stderr


def test_clean_venv_console_script(venv: Path, tmp_path: Path) -> None:
    script = str(venv / "bin" / "lrcore")
    listed = _run([script, "list"], cwd=tmp_path)
    for name in lrcore._SCHEDULES:
        assert re.search(rf"\b{name}\b", listed.stdout), f"`lrcore list` lacks {name}"
    shown = _run([script, "show", json.dumps(COSINE)], cwd=tmp_path)
    assert "cosine_annealing" in shown.stdout, shown.stdout
