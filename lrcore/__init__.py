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
from lrcore._interpolate import Cosine, Linear, Polynomial
from lrcore._pieces import Family, Piece, family
from lrcore._schedule import (
    Config,
    Nested,
    NestedList,
    Schedule,
    ScheduleLike,
    from_config,
    register,
    registered,
)
from lrcore._training import total_updates, updates_per_epoch
from lrcore._warmup import Warmup, WarmupFactor, WarmupLinear
from lrcore._yolox import YoloxStep, YoloxWarmCos

__all__ = [
    "Bool",
    "Cawb",
    "CawbPlan",
    "Choice",
    "Config",
    "Constant",
    "Cosine",
    "CosineAnnealing",
    "Custom",
    "Exponential",
    "Family",
    "Int",
    "Ints",
    "Join",
    "Linear",
    "MultiStep",
    "Nested",
    "NestedList",
    "PerIteration",
    "Piece",
    "PiecewiseConstant",
    "Polynomial",
    "Product",
    "Real",
    "Reals",
    "Schedule",
    "ScheduleLike",
    "Stairs",
    "Step",
    "Warmup",
    "WarmupFactor",
    "WarmupLinear",
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
