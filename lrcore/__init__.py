"""lrcore: learning-rate schedules as pure functions, one definition for every backend.

``schedule(step)`` is the factor of the base learning rate in force for
optimizer update ``step`` (counted from 0).  Importing lrcore imports only the
standard library; the backends live in ``lrcore_torch``, ``lrcore_paddle`` and
``lrcore_optax``.
"""

from lrcore._basic import Constant, Exponential, MultiStep, Stairs, Step
from lrcore._cawb import Cawb, CawbPlan
from lrcore._compose import PerIteration
from lrcore._cosine import CosineAnnealing
from lrcore._evaluate import Phase
from lrcore._schedule import Config, Schedule, ScheduleLike, from_config, register, registered
from lrcore._training import total_updates, updates_per_epoch
from lrcore._warmup import Warmup, WarmupFactor, WarmupLinear
from lrcore._yolox import YoloxStep, YoloxWarmCos

__all__ = [
    "Cawb",
    "CawbPlan",
    "Config",
    "Constant",
    "CosineAnnealing",
    "Exponential",
    "MultiStep",
    "PerIteration",
    "Phase",
    "Schedule",
    "ScheduleLike",
    "Stairs",
    "Step",
    "Warmup",
    "WarmupFactor",
    "WarmupLinear",
    "YoloxStep",
    "YoloxWarmCos",
    "from_config",
    "register",
    "registered",
    "total_updates",
    "updates_per_epoch",
]

__version__ = "0.1.0"
