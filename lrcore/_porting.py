"""The registry behind ``from_torch`` and ``from_paddle``: one porter per native class.

Framework-free: the adapters register their porters here, each from a
``_port_*.py`` module of their package, loaded on first use.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any, Generic, TypeVar

R = TypeVar("R")


class Porters(Generic[R]):
    """Porters ``fn(native) -> R``, each for an exact class or a predicate.

    ``package`` names the adapter package whose ``_port_*`` modules register
    porters when imported; they are imported, in name order, on the first lookup.
    """

    def __init__(self, owner: str, package: str) -> None:
        self.owner = owner
        self.package = package
        # Predicates recognise natives by more than their class (transformers' LambdaLRs by
        # their partials), so they are tried before the exact classes, whatever the order
        # in which the porter modules happen to be imported.
        self._predicates: list[tuple[Callable[[Any], bool], Callable[[Any], R]]] = []
        self._classes: dict[type, Callable[[Any], R]] = {}
        self._loaded = False

    def register(
        self, match: type | Callable[[Any], bool]
    ) -> Callable[[Callable[[Any], R]], Callable[[Any], R]]:
        """Decorator: ``fn`` ports natives of class ``match`` (exactly: a subclass may
        change the curve), or those for which ``match(native)`` is true.  Predicates are
        tried first, in registration order, then the exact class."""

        def decorator(fn: Callable[[Any], R]) -> Callable[[Any], R]:
            if isinstance(match, type):
                self._classes[match] = fn
            else:
                self._predicates.append((match, fn))
            return fn

        return decorator

    def port(self, native: Any, supported: str) -> R:
        """The first matching porter's result; a ``TypeError`` naming the class if none."""
        if not self._loaded:
            self._loaded = True
            package = importlib.import_module(self.package)
            for module in pkgutil.iter_modules(package.__path__):
                if module.name.startswith("_port_"):
                    importlib.import_module(f"{self.package}.{module.name}")
        for test, fn in self._predicates:
            if test(native):
                return fn(native)
        cls = type(native)
        if cls in self._classes:
            return self._classes[cls](native)
        raise TypeError(
            f"{self.owner}: cannot port {cls.__module__}.{cls.__qualname__}: no closed form is "
            f"known for this class (supported: {supported})"
        )


def relative_floor(eta_min: float, base: float, cannot: Callable[[str], Exception]) -> float:
    """An absolute cosine floor ``eta_min`` (torch's and Paddle's annealing schedulers) as a
    factor of a group's ``base`` lr; ``cannot(why)`` builds the porter's own error."""
    if eta_min < 0:
        raise cannot(f"eta_min={eta_min!r} < 0 makes negative learning rates")
    if base == 0.0:
        if eta_min == 0.0:
            return 0.0
        raise cannot(
            f"a parameter group has base lr 0 and eta_min={eta_min!r} > 0: its lr rises "
            "from 0 to eta_min, which is no factor of a base lr of 0"
        )
    return eta_min / base


def shortest_decimal(value: float, check: Callable[[float], bool]) -> float:
    """The shortest decimal that ``check`` accepts (25.0, not 25.000000000000004).

    Porters recover readable settings from a native's stored floats this way.
    """
    for digits in range(1, 18):
        candidate = float(f"{value:.{digits}g}")
        if check(candidate):
            return candidate
    return value
