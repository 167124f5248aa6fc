"""lrcore: learning-rate schedules as pure functions, one definition for every backend.

``schedule(step)`` is the factor of the base learning rate in force for
optimizer update ``step`` (counted from 0).  Importing lrcore imports only the
standard library; the backends live in ``lrcore_torch``, ``lrcore_paddle`` and
``lrcore_optax``.

Example::

    >>> import lrcore
    >>> schedule = lrcore.from_config(
    ...     {"name": "warmup", "warmup_steps": 5, "start_factor": 0.1,
    ...      "schedule": {"name": "cosine_annealing", "T_max": 10}})
    >>> [round(schedule(k), 3) for k in (0, 5, 10, 15)]
    [0.1, 1.0, 0.5, 0.0]
    >>> schedule.to_config()["name"]
    'warmup'

then ``lrcore_torch.to_torch(schedule, optimizer)``,
``lrcore_paddle.to_paddle(schedule, 0.1)`` or ``lrcore_optax.to_optax(schedule, 0.1)``.

Config names (``lrcore.registered()``; ``help(lrcore.registered()[name])`` gives the
formula, the value at step 0 and past the end):

    cawb, constant, cosine, cosine_annealing, cosine_restarts, cyclic, exponential,
    exponential_decay, hf_cosine, hf_cosine_warmup_with_min_lr, hf_cosine_with_restarts,
    hf_polynomial, inverse_sqrt, inverse_time, join, linear, multistep, natural_exp, noam,
    one_cycle, one_cycle_momentum, optax_warmup_cosine, paddle_one_cycle, per_iteration,
    piecewise_constant, piecewise_interpolate, polynomial, polynomial_decay, product, sgdr,
    stairs, step, timm_cosine, timm_multistep, timm_poly, timm_step, timm_tanh, warmup,
    warmup_factor, warmup_linear, warmup_stable_decay, yolox_step, yolox_warm_cos
"""

# Nothing is imported until it is used: ``lrcore.Step`` (or ``from lrcore import Step``)
# imports ``lrcore._basic`` on first access (PEP 562 module ``__getattr__``), so that
# ``import lrcore`` costs about a millisecond instead of building every schedule class
# (measured in ``bench/bench_import.py``; the target is <= 15 ms).
#
# To export a new name, add it in three places, which tests/test_packaging.py checks
# against each other: the ``TYPE_CHECKING`` imports (for type checkers and IDEs),
# ``_EXPORTS`` (where it is imported from at run time) and ``__all__``.  A module that
# registers schedule names also lists them in ``_SCHEDULES``.

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from lrcore._basic import Constant, Exponential, MultiStep, PiecewiseConstant, Stairs, Step
    from lrcore._cawb import Cawb, CawbPlan
    from lrcore._compose import Join, PerIteration, Product
    from lrcore._config import Bool, Choice, Custom, Int, Ints, Real, Reals
    from lrcore._cosine import CosineAnnealing
    from lrcore._cyclic import Cyclic, OneCycle, OneCycleMomentum, PaddleOneCycle
    from lrcore._decay import InverseTime, NaturalExp, Noam, PolynomialDecay
    from lrcore._interpolate import Cosine, Linear, Polynomial
    from lrcore._optax_like import ExponentialDecay, OptaxWarmupCosine, PiecewiseInterpolate, Sgdr
    from lrcore._pieces import Family, Piece, family
    from lrcore._plateau import (
        Plateau,
        PlateauState,
        plateau_init,
        plateau_lrs,
        plateau_scale,
        plateau_update,
    )
    from lrcore._restarts import CosineRestarts
    from lrcore._schedule import (
        MAX_DEPTH,
        Config,
        Nested,
        NestedList,
        Schedule,
        ScheduleLike,
        from_config,
        register,
        registered,
    )
    from lrcore._timm import TimmCosine, TimmMultiStep, TimmPoly, TimmStep, TimmTanh
    from lrcore._training import total_updates, updates_per_epoch
    from lrcore._transformers import (
        HfCosine,
        HfCosineWarmupWithMinLr,
        HfCosineWithRestarts,
        HfPolynomial,
        InverseSqrt,
        WarmupStableDecay,
    )
    from lrcore._warmup import Warmup, WarmupFactor, WarmupLinear
    from lrcore._yolox import YoloxStep, YoloxWarmCos

# module -> the public names it defines
_EXPORTS: dict[str, tuple[str, ...]] = {
    "lrcore._basic": (
        "Constant",
        "Exponential",
        "MultiStep",
        "PiecewiseConstant",
        "Stairs",
        "Step",
    ),
    "lrcore._cawb": ("Cawb", "CawbPlan"),
    "lrcore._compose": ("Join", "PerIteration", "Product"),
    "lrcore._config": ("Bool", "Choice", "Custom", "Int", "Ints", "Real", "Reals"),
    "lrcore._cosine": ("CosineAnnealing",),
    "lrcore._cyclic": ("Cyclic", "OneCycle", "OneCycleMomentum", "PaddleOneCycle"),
    "lrcore._decay": ("InverseTime", "NaturalExp", "Noam", "PolynomialDecay"),
    "lrcore._interpolate": ("Cosine", "Linear", "Polynomial"),
    "lrcore._optax_like": ("ExponentialDecay", "OptaxWarmupCosine", "PiecewiseInterpolate", "Sgdr"),
    "lrcore._pieces": ("Family", "Piece", "family"),
    "lrcore._plateau": (
        "Plateau",
        "PlateauState",
        "plateau_init",
        "plateau_lrs",
        "plateau_scale",
        "plateau_update",
    ),
    "lrcore._restarts": ("CosineRestarts",),
    "lrcore._schedule": (
        "MAX_DEPTH",
        "Config",
        "Nested",
        "NestedList",
        "Schedule",
        "ScheduleLike",
        "from_config",
        "register",
        "registered",
    ),
    "lrcore._timm": ("TimmCosine", "TimmMultiStep", "TimmPoly", "TimmStep", "TimmTanh"),
    "lrcore._training": ("total_updates", "updates_per_epoch"),
    "lrcore._transformers": (
        "HfCosine",
        "HfCosineWarmupWithMinLr",
        "HfCosineWithRestarts",
        "HfPolynomial",
        "InverseSqrt",
        "WarmupStableDecay",
    ),
    "lrcore._warmup": ("Warmup", "WarmupFactor", "WarmupLinear"),
    "lrcore._yolox": ("YoloxStep", "YoloxWarmCos"),
}

# config name -> the module registering it (``from_config`` imports only that module)
_SCHEDULES: dict[str, str] = {
    "cawb": "lrcore._cawb",
    "constant": "lrcore._basic",
    "cosine": "lrcore._interpolate",
    "cosine_annealing": "lrcore._cosine",
    "cosine_restarts": "lrcore._restarts",
    "cyclic": "lrcore._cyclic",
    "exponential": "lrcore._basic",
    "exponential_decay": "lrcore._optax_like",
    "hf_cosine": "lrcore._transformers",
    "hf_cosine_warmup_with_min_lr": "lrcore._transformers",
    "hf_cosine_with_restarts": "lrcore._transformers",
    "hf_polynomial": "lrcore._transformers",
    "inverse_sqrt": "lrcore._transformers",
    "inverse_time": "lrcore._decay",
    "join": "lrcore._compose",
    "linear": "lrcore._interpolate",
    "multistep": "lrcore._basic",
    "natural_exp": "lrcore._decay",
    "noam": "lrcore._decay",
    "one_cycle": "lrcore._cyclic",
    "one_cycle_momentum": "lrcore._cyclic",
    "optax_warmup_cosine": "lrcore._optax_like",
    "paddle_one_cycle": "lrcore._cyclic",
    "per_iteration": "lrcore._compose",
    "piecewise_constant": "lrcore._basic",
    "piecewise_interpolate": "lrcore._optax_like",
    "polynomial": "lrcore._interpolate",
    "polynomial_decay": "lrcore._decay",
    "product": "lrcore._compose",
    "sgdr": "lrcore._optax_like",
    "stairs": "lrcore._basic",
    "step": "lrcore._basic",
    "timm_cosine": "lrcore._timm",
    "timm_multistep": "lrcore._timm",
    "timm_poly": "lrcore._timm",
    "timm_step": "lrcore._timm",
    "timm_tanh": "lrcore._timm",
    "warmup": "lrcore._warmup",
    "warmup_factor": "lrcore._warmup",
    "warmup_linear": "lrcore._warmup",
    "warmup_stable_decay": "lrcore._transformers",
    "yolox_step": "lrcore._yolox",
    "yolox_warm_cos": "lrcore._yolox",
}

__all__ = [
    "MAX_DEPTH",
    "Bool",
    "Cawb",
    "CawbPlan",
    "Choice",
    "Config",
    "Constant",
    "Cosine",
    "CosineAnnealing",
    "CosineRestarts",
    "Custom",
    "Cyclic",
    "Exponential",
    "ExponentialDecay",
    "Family",
    "HfCosine",
    "HfCosineWarmupWithMinLr",
    "HfCosineWithRestarts",
    "HfPolynomial",
    "Int",
    "Ints",
    "InverseSqrt",
    "InverseTime",
    "Join",
    "Linear",
    "MultiStep",
    "NaturalExp",
    "Nested",
    "NestedList",
    "Noam",
    "OneCycle",
    "OneCycleMomentum",
    "OptaxWarmupCosine",
    "PaddleOneCycle",
    "PerIteration",
    "Piece",
    "PiecewiseConstant",
    "PiecewiseInterpolate",
    "Plateau",
    "PlateauState",
    "Polynomial",
    "PolynomialDecay",
    "Product",
    "Real",
    "Reals",
    "Schedule",
    "ScheduleLike",
    "Sgdr",
    "Stairs",
    "Step",
    "TimmCosine",
    "TimmMultiStep",
    "TimmPoly",
    "TimmStep",
    "TimmTanh",
    "Warmup",
    "WarmupFactor",
    "WarmupLinear",
    "WarmupStableDecay",
    "YoloxStep",
    "YoloxWarmCos",
    "family",
    "from_config",
    "plateau_init",
    "plateau_lrs",
    "plateau_scale",
    "plateau_update",
    "register",
    "registered",
    "total_updates",
    "updates_per_epoch",
]

__version__ = "0.1.0"

_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

if not TYPE_CHECKING:  # type checkers see the imports above, and flag unknown names

    def __getattr__(name: str) -> object:
        module = _WHERE.get(name)
        if module is None:
            raise AttributeError(f"module 'lrcore' has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # later lookups find it without calling this function
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
