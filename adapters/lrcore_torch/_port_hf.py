"""Porting transformers' ``get_scheduler`` schedules (``transformers.optimization``, 5.x).

transformers returns a plain ``torch.optim.lr_scheduler.LambdaLR`` whose lambda is a
``functools.partial`` of a module-level function of ``transformers.optimization``
(``_get_linear_schedule_with_warmup_lr_lambda``, ...) with its settings as keywords,
or ``_get_constant_lambda`` itself.  The porter recognises those functions by
identity (the very objects of the imported module; transformers is never imported
here), reads ``partial.keywords`` and builds the matching lrcore config; each group
gets its own ``base_lrs[g]``.  A ``LambdaLR`` over any other function is left to
the generic torch porter (which refuses it).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping
from typing import Any

from torch.optim.lr_scheduler import LambdaLR

from lrcore import Constant, Join, Linear, Schedule, WarmupLinear
from lrcore._transformers import (
    HfCosine,
    HfCosineWarmupWithMinLr,
    HfCosineWithRestarts,
    HfPolynomial,
    InverseSqrt,
    WarmupStableDecay,
)
from lrcore_torch._port import Pairs, porter

_MODULE = "transformers.optimization"


def _integer(function: str, key: str, value: Any) -> Any:
    """transformers accepts integer-valued floats for step counts; lrcore takes ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        raise TypeError(
            f"from_torch: transformers' {function} got {key}={value!r}: a fractional step "
            "count has no lrcore port (give an integer)"
        )
    return value


def _linear(warmup: int, total: int) -> Schedule:
    if total > warmup:
        return WarmupLinear(warmup_steps=warmup, total_steps=total)
    # N <= W: the warmup ramp, then max(0, (N - k) / 1) = 0 from W on.
    if warmup == 0:
        return Constant(factor=0.0)
    ramp = Linear(start=0.0, end=1.0, steps=warmup)
    return Join(schedules=[ramp, Constant(factor=0.0)], boundaries=[warmup])


def _constant_with_warmup(warmup: int) -> Schedule:
    return Linear(start=0.0, end=1.0, steps=max(warmup, 0))


def _cosine(warmup: int, total: int, num_cycles: float, min_lr_rate: float = 0.0) -> Schedule:
    return HfCosine(
        warmup_steps=warmup,
        training_steps=total,
        num_cycles=num_cycles,
        min_lr_rate=min_lr_rate,
    )


def _restarts(warmup: int, total: int, num_cycles: float) -> Schedule:
    return HfCosineWithRestarts(warmup_steps=warmup, training_steps=total, num_cycles=num_cycles)


def _polynomial(warmup: int, total: int, lr_end: float, power: float, lr_init: float) -> Schedule:
    return HfPolynomial(
        warmup_steps=warmup, training_steps=total, lr_init=lr_init, lr_end=lr_end, power=power
    )


def _inverse_sqrt(warmup: int, timescale: int | None = None) -> Schedule:
    if timescale is None:
        raise TypeError(
            "from_torch: transformers' inverse_sqrt lambda has timescale=None, which it "
            "cannot evaluate (get_inverse_sqrt_schedule always resolves it)"
        )
    return InverseSqrt(warmup_steps=warmup, timescale=timescale)


def _cosine_lr_rate(
    warmup: int,
    total: int,
    num_cycles: float,
    min_lr_rate: float = 0.0,
    warmup_lr_rate: float | None = None,
) -> Schedule:
    return HfCosineWarmupWithMinLr(
        warmup_steps=warmup,
        training_steps=total,
        num_cycles=num_cycles,
        min_lr_rate=min_lr_rate,
        warmup_lr_rate=warmup_lr_rate,
    )


def _wsd(
    warmup: int,
    stable: int,
    decay: int,
    warmup_type: str,
    decay_type: str,
    min_lr_ratio: float,
    num_cycles: float,
) -> Schedule:
    return WarmupStableDecay(
        warmup_steps=warmup,
        decay_steps=decay,
        stable_steps=stable,
        warmup_type=warmup_type,
        decay_type=decay_type,
        min_lr_ratio=min_lr_ratio,
        num_cycles=num_cycles,
    )


# function name -> (lrcore builder, {transformers keyword: builder argument}); the
# step-count keywords are converted to ints.
_STEPS = ("num_warmup_steps", "num_training_steps", "num_stable_steps", "num_decay_steps")
_FUNCTIONS: dict[str, tuple[Callable[..., Schedule], dict[str, str]]] = {
    "_get_constant_schedule_with_warmup_lr_lambda": (
        _constant_with_warmup,
        {"num_warmup_steps": "warmup"},
    ),
    "_get_linear_schedule_with_warmup_lr_lambda": (
        _linear,
        {"num_warmup_steps": "warmup", "num_training_steps": "total"},
    ),
    "_get_cosine_schedule_with_warmup_lr_lambda": (
        _cosine,
        {
            "num_warmup_steps": "warmup",
            "num_training_steps": "total",
            "num_cycles": "num_cycles",
            "min_lr_rate": "min_lr_rate",
        },
    ),
    "_get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda": (
        _restarts,
        {"num_warmup_steps": "warmup", "num_training_steps": "total", "num_cycles": "num_cycles"},
    ),
    "_get_polynomial_decay_schedule_with_warmup_lr_lambda": (
        _polynomial,
        {
            "num_warmup_steps": "warmup",
            "num_training_steps": "total",
            "lr_end": "lr_end",
            "power": "power",
            "lr_init": "lr_init",
        },
    ),
    "_get_inverse_sqrt_schedule_lr_lambda": (
        _inverse_sqrt,
        {"num_warmup_steps": "warmup", "timescale": "timescale"},
    ),
    "_get_cosine_with_min_lr_schedule_with_warmup_lr_rate_lambda": (
        _cosine_lr_rate,
        {
            "num_warmup_steps": "warmup",
            "num_training_steps": "total",
            "num_cycles": "num_cycles",
            "min_lr_rate": "min_lr_rate",
            "warmup_lr_rate": "warmup_lr_rate",
        },
    ),
    "_get_wsd_scheduler_lambda": (
        _wsd,
        {
            "num_warmup_steps": "warmup",
            "num_stable_steps": "stable",
            "num_decay_steps": "decay",
            "warmup_type": "warmup_type",
            "decay_type": "decay_type",
            "min_lr_ratio": "min_lr_ratio",
            "num_cycles": "num_cycles",
        },
    ),
}


def _transformers_function(fn: Any) -> str | None:
    """The name of ``fn`` if it is one of transformers.optimization's own functions."""
    module = sys.modules.get(_MODULE)
    name = getattr(fn, "__name__", None)
    if module is None or not isinstance(name, str) or getattr(module, name, None) is not fn:
        return None
    return name


def _recognise(lr_lambda: Any) -> str | None:
    """The transformers function behind a lambda (``None``: not transformers')."""
    if isinstance(lr_lambda, functools.partial):
        if lr_lambda.args:
            return None
        name = _transformers_function(lr_lambda.func)
        return name if name in _FUNCTIONS else None
    name = _transformers_function(lr_lambda)
    return name if name == "_get_constant_lambda" else None


def is_transformers_scheduler(scheduler: Any) -> bool:
    """A plain ``LambdaLR`` whose every lambda is one of transformers' schedule functions."""
    if type(scheduler) is not LambdaLR:
        return False
    lambdas = getattr(scheduler, "lr_lambdas", None)
    return bool(lambdas) and all(_recognise(fn) is not None for fn in lambdas)


def schedule_of(lr_lambda: Any) -> Schedule:
    """The lrcore schedule equal to one of transformers' lambdas (see the module docstring)."""
    name = _recognise(lr_lambda)
    if name is None:
        raise TypeError(f"from_torch: {lr_lambda!r} is not a transformers schedule function")
    if name == "_get_constant_lambda":
        return Constant()
    builder, arguments = _FUNCTIONS[name]
    keywords: Mapping[str, Any] = lr_lambda.keywords
    unknown = sorted(set(keywords) - set(arguments))
    if unknown:
        raise TypeError(
            f"from_torch: transformers' {name} has keywords {unknown} this port does not "
            "know (a newer transformers?)"
        )
    kwargs = {
        arguments[key]: _integer(name, key, value) if key in _STEPS else value
        for key, value in keywords.items()
    }
    try:
        return builder(**kwargs)
    except TypeError as error:
        if "missing" in str(error):
            raise TypeError(f"from_torch: transformers' {name} partial: {error}") from None
        raise


@porter(is_transformers_scheduler)
def port_transformers(scheduler: Any) -> Pairs:
    """transformers' ``get_scheduler`` result: ``(base_lrs[g], schedule of lambda g)``."""
    return [
        (float(base), schedule_of(fn))
        for base, fn in zip(scheduler.base_lrs, scheduler.lr_lambdas, strict=True)
    ]
