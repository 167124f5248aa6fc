"""The test catalogue: one :class:`Spec` per registered schedule name.

Each ``spec_*.py`` module in this package defines ``SPECS: list[Spec]``; they are
collected here, and ``tests/test_catalogue.py`` runs the same checks on every
valid case (the oracle on ints, NumPy and ``jax.jit``; giant steps; config, pickle,
hash and repr round trips) and every bad input, and asserts that the specs cover
``lrcore.registered()`` exactly.  Adding a schedule means adding one spec.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Oracle = Callable[[Mapping[str, Any], int], float]
"""``oracle(config, step) -> factor``: an independent formula, written in the test."""


@dataclass(frozen=True)
class Spec:
    """What the catalogue knows about one registered schedule name.

    ``valid``: configs without ``"name"`` (the spec adds it), each a case.
    ``oracle``: the factor at a step, written independently of lrcore (a formula,
    or the source recipe re-implemented); ``None`` only for composites whose
    oracle is the composition of the inner oracles (``compose``).
    ``horizon(config)``: the last step checked; must lie well past the schedule's end.
    ``bad``: ``(config patch, exception type, text the message must contain)``; the
    patch is applied to ``valid[0]``.  The message must also name the schedule.
    ``natives``: the native classes/functions this name reproduces (for the README).
    """

    name: str
    valid: Sequence[Mapping[str, Any]]
    oracle: Oracle
    horizon: Callable[[Mapping[str, Any]], int]
    bad: Sequence[tuple[Mapping[str, Any], type[Exception], str]] = ()
    natives: Sequence[str] = ()
    float32_ok: bool = True  # False where float32 cannot meet the stated tolerance
    extra: Mapping[str, Any] = field(default_factory=dict)

    def configs(self) -> list[dict[str, Any]]:
        return [{"name": self.name, **case} for case in self.valid]


def all_specs() -> list[Spec]:
    specs: list[Spec] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("spec_"):
            specs += importlib.import_module(f"{__name__}.{module.name}").SPECS
    return specs
