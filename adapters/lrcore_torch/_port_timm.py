"""Porting timm's schedulers (``timm.scheduler``, 1.0.x).

timm's schedulers are not ``torch.optim.lr_scheduler`` classes (they do not even
subclass ``LRScheduler``): they are recognised by their class, the very object of
the imported ``timm.scheduler.*`` module (timm is never imported here).

Each group ``g`` ports to ``(base_lr, schedule)`` with ``base_lr = base_values[g]``
(the group's initial lr) and ``base_lr * schedule(t) == scheduler._get_lr(t)[g]`` to
an ulp, where ``t`` is *timm's* t: the epoch for ``t_in_epochs=True`` (what
``step(epoch)`` passes), the update count otherwise (``step_update(num_updates)``).

Two documented differences from what a training loop sees:

* at ``t = 0`` timm's constructor puts ``warmup_lr_init`` (with a warmup) or
  ``base_values`` in the groups, not ``_get_lr(0)`` -- the same number except that
  ``lr_min + 0.5 * (b - lr_min) * 2`` may differ from ``b`` by an ulp; the port
  follows ``_get_lr(0)``;
* a group with ``lr_scale`` (timm's layer decay) gets ``base_lr = base_values[g] *
  lr_scale``: timm multiplies ``_get_lr(t)[g] * lr_scale``, the port
  ``(base_values[g] * lr_scale) * f(t)`` (equal to an ulp or two).
"""

from __future__ import annotations

import sys
from typing import Any

from lrcore import Schedule
from lrcore._timm import TIMM_SCHEDULES
from lrcore_torch._port import Pairs, porter

_MODULES = {
    "CosineLRScheduler": "timm.scheduler.cosine_lr",
    "PolyLRScheduler": "timm.scheduler.poly_lr",
    "TanhLRScheduler": "timm.scheduler.tanh_lr",
    "StepLRScheduler": "timm.scheduler.step_lr",
    "MultiStepLRScheduler": "timm.scheduler.multistep_lr",
}

_SETTINGS = {
    "CosineLRScheduler": (
        "t_initial lr_min cycle_mul cycle_decay cycle_limit warmup_t warmup_lr_init "
        "warmup_prefix k_decay"
    ),
    "PolyLRScheduler": (
        "t_initial power lr_min cycle_mul cycle_decay cycle_limit warmup_t warmup_lr_init "
        "warmup_prefix k_decay"
    ),
    "TanhLRScheduler": (
        "t_initial lb ub lr_min cycle_mul cycle_decay cycle_limit warmup_t warmup_lr_init "
        "warmup_prefix"
    ),
    "StepLRScheduler": "decay_t decay_rate warmup_t warmup_lr_init warmup_prefix",
    "MultiStepLRScheduler": "decay_t decay_rate warmup_t warmup_lr_init warmup_prefix",
}


def _is_timm(scheduler: Any) -> bool:
    module = type(scheduler).__module__
    return module == "timm.scheduler" or module.startswith("timm.scheduler.")


def _supported(scheduler: Any) -> str | None:
    cls = type(scheduler)
    module = _MODULES.get(cls.__name__)
    if module is None or getattr(sys.modules.get(module), cls.__name__, None) is not cls:
        return None
    return cls.__name__


def _describe(scheduler: Any) -> str:
    cls = type(scheduler)
    return f"{cls.__module__}.{cls.__qualname__}"


@porter(_is_timm)
def port_timm(scheduler: Any) -> Pairs:
    """timm's cosine, poly, tanh, step and multistep schedulers, one schedule per group."""
    name = _supported(scheduler)
    if name is None:
        raise TypeError(
            f"from_torch: cannot port {_describe(scheduler)}: lrcore ports timm's "
            f"{', '.join(_MODULES)} (exact classes; metric-driven or other schedulers "
            "have no closed form here)"
        )
    noise = getattr(scheduler, "noise_range_t", None)
    if noise is not None:
        raise TypeError(
            f"from_torch: cannot port {_describe(scheduler)} with noise_range_t={noise!r}: "
            "timm adds random noise (seeded per step) to its lr, which no schedule reproduces"
        )
    if getattr(scheduler, "param_group_field", "lr") != "lr":
        raise TypeError(
            f"from_torch: {_describe(scheduler)} schedules {scheduler.param_group_field!r}, "
            "not the lr"
        )
    settings = {key: getattr(scheduler, key) for key in _SETTINGS[name].split()}
    if name == "MultiStepLRScheduler":
        settings["decay_t"] = list(settings["decay_t"])
    build = TIMM_SCHEDULES[name]
    pairs: Pairs = []
    groups = scheduler.optimizer.param_groups
    for base, group in zip(scheduler.base_values, groups, strict=True):
        schedule: Schedule = build(base_lr=float(base), **settings)
        scale = group.get("lr_scale")
        pairs.append((float(base) if scale is None else float(base) * float(scale), schedule))
    return pairs
