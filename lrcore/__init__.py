"""lrcore: learning-rate schedules as pure functions, one definition for every backend.

``schedule(step)`` is the factor of the base learning rate in force for
optimizer update ``step`` (counted from 0).  Importing lrcore imports only the
standard library; the backends live in ``lrcore_torch``, ``lrcore_paddle`` and
``lrcore_optax``.
"""

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
    "register",
    "registered",
    "total_updates",
    "updates_per_epoch",
]

__version__ = "0.1.0"
