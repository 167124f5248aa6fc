"""``from_optax``: an optax schedule, given as its function name and arguments.

optax schedules are closures and cannot be inspected, so the port takes what
built them: ``from_optax("cosine_decay_schedule", init_value=0.1, decay_steps=100)``.
Each supported function has a *porter*, registered with :func:`porter`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lrcore import Schedule

Pair = tuple[float, Schedule]
"""``(base, schedule)``: ``base * schedule(k)`` is the optax value at count ``k``."""

Porter = Callable[..., Pair]

_PORTERS: dict[str, Porter] = {}


def porter(name: str) -> Callable[[Porter], Porter]:
    """Register ``fn(**kwargs) -> (base, schedule)`` for the optax function ``name``."""

    def register(fn: Porter) -> Porter:
        _PORTERS[name] = fn
        return fn

    return register


def from_optax(name: str, /, **kwargs: Any) -> Pair:
    """``(base, schedule)`` with ``base * schedule(k) == optax.<name>(**kwargs)(k)``.

    ``name`` is the optax function's name (``"warmup_cosine_decay_schedule"``);
    ``kwargs`` its arguments, by keyword, as optax names them.  Raises ``ValueError``
    for an unknown name and ``TypeError`` for arguments optax would not accept.
    """
    _load_porters()
    fn = _PORTERS.get(name)
    if fn is None:
        known = ", ".join(sorted(_PORTERS))
        raise ValueError(f"from_optax: unknown optax schedule {name!r}; known: {known}")
    return fn(**kwargs)


def _load_porters() -> None:
    import importlib
    import pkgutil

    import lrcore_optax

    for module in pkgutil.iter_modules(lrcore_optax.__path__):
        if module.name.startswith("_port_"):
            importlib.import_module(f"lrcore_optax.{module.name}")
