"""Native oracles for the conformance suite: each framework's own scheduler, run for real.

Every driver here returns the learning rate *in force at update k*, for k = 0..steps-1:
the value the optimizer uses for its k-th parameter update, read from (or, for Paddle,
measured on) a real optimizer driven the way that framework's own training loops drive
it. No lrcore code is imported here: these are the references lrcore is held to.

Drivers (all return ``lrs[g][k]``, group ``g``, update ``k``, as Python floats):

- ``torch_lrs``: any ``torch.optim.lr_scheduler`` class, stepped once per update.
- ``timm_lrs`` / ``timm_get_lr``: timm's schedulers (``step(epoch)`` / ``step_update(n)``).
- ``transformers_lrs``: ``transformers.optimization.get_scheduler`` by name.
- ``paddle_lrs`` / ``paddle_scheduler_lrs``: a Paddle ``LRScheduler`` on a Paddle
  optimizer (measured from the applied update) / on its own.
- ``optax_values``: an optax schedule evaluated in float64.

Frameworks are imported lazily, inside the functions, so importing this module is cheap
and a test that only needs one framework pays only for that one.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import itertools
import sys
import types
import warnings
from collections.abc import Callable, Sequence
from typing import Any

DEFAULT_BASE_LRS: tuple[float, ...] = (0.1, 0.003)

Lrs = list[list[float]]


def _check(steps: int, base_lrs: Sequence[float]) -> None:
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps!r}")
    if len(base_lrs) == 0:
        raise ValueError("base_lrs must name at least one parameter group's lr")


# --------------------------------------------------------------------------- torch


def torch_model_and_optimizer(
    base_lrs: Sequence[float] = DEFAULT_BASE_LRS,
    *,
    momentum: float = 0.9,
    default_lr: float | None = None,
) -> tuple[Any, Any]:
    """A tiny torch model with one parameter group per entry of ``base_lrs``, and its SGD.

    Group ``g`` holds one ``nn.Linear(3, 1)`` and has ``lr=base_lrs[g]``. The optimizer is
    ``torch.optim.SGD(groups, lr=default_lr or base_lrs[0], momentum=momentum)``: the
    constructor's ``lr`` only becomes ``optimizer.defaults["lr"]``, which every group
    overrides, but some schedulers read it (transformers' ``polynomial``, ``min_lr=``).
    """
    import torch

    torch.manual_seed(0)
    model = torch.nn.ModuleList(torch.nn.Linear(3, 1) for _ in base_lrs)
    groups = [
        {"params": list(layer.parameters()), "lr": float(lr)}
        for layer, lr in zip(model, base_lrs, strict=True)
    ]
    lr0 = float(base_lrs[0] if default_lr is None else default_lr)
    optimizer = torch.optim.SGD(groups, lr=lr0, momentum=momentum)
    return model, optimizer


def _torch_update(model: Any, optimizer: Any) -> None:
    """One real forward/backward/``optimizer.step()`` on a fixed batch."""
    import torch

    x = torch.linspace(-1.0, 1.0, 12).reshape(4, 3)
    optimizer.zero_grad()
    loss = sum(layer(x).pow(2).mean() for layer in model)
    loss.backward()
    optimizer.step()


def _record(optimizer: Any, lrs: Lrs) -> None:
    for g, group in enumerate(optimizer.param_groups):
        lrs[g].append(float(group["lr"]))


def _reject_plateau(scheduler: Any) -> None:
    from torch.optim.lr_scheduler import ReduceLROnPlateau

    if isinstance(scheduler, ReduceLROnPlateau):
        raise TypeError(
            "ReduceLROnPlateau is driven by a metric (step(metrics)), not by the update "
            "count: it has no fixed schedule for these drivers to record"
        )


def _step_scheduler(scheduler: Any, k: int, steps: int) -> None:
    """``scheduler.step()`` after update ``k``, with context if it raises (torch or Paddle)."""
    try:
        scheduler.step()
    except ValueError as error:
        name = type(scheduler).__name__
        hint = ""
        if name == "OneCycleLR":  # torch's and Paddle's both count their steps
            total = getattr(scheduler, "total_steps", "total_steps")
            hint = (
                f" OneCycleLR allows total_steps={total} calls of scheduler.step(), one "
                f"per update here, and raises on the next one: pass steps <= total_steps "
                f"(got steps={steps})."
            )
        raise ValueError(
            f"{name}.step() after update {k} (of steps={steps}) raised: {error}.{hint}"
        ) from error


def _drive_torch(model: Any, optimizer: Any, scheduler: Any, steps: int) -> Lrs:
    _reject_plateau(scheduler)
    lrs: Lrs = [[] for _ in optimizer.param_groups]
    for k in range(steps):
        _record(optimizer, lrs)  # the lr that update k is about to use
        _torch_update(model, optimizer)
        _step_scheduler(scheduler, k, steps)
    return lrs


def torch_lrs(
    make_scheduler: Callable[[Any], Any],
    steps: int,
    base_lrs: Sequence[float] = DEFAULT_BASE_LRS,
) -> Lrs:
    """The lr in force at each of ``steps`` updates under a torch ``LRScheduler``.

    Builds ``torch_model_and_optimizer(base_lrs)`` (SGD, momentum 0.9, so ``CyclicLR``'s
    momentum cycling works), calls ``make_scheduler(optimizer)``, then for each update
    ``k``: records every group's ``optimizer.param_groups[g]["lr"]``, runs a real
    forward/backward/``optimizer.step()``, and calls ``scheduler.step()`` with no
    argument (the standard per-iteration loop; no deprecated ``epoch=``).

    Works for every class in ``torch.optim.lr_scheduler`` except ``ReduceLROnPlateau``
    (metric-driven: ``TypeError``). ``OneCycleLR`` raises on the ``scheduler.step()``
    that would go past ``total_steps``: choosing ``steps <= total_steps`` is the
    caller's job, and the error says so.

    Returns ``lrs[g][k]`` as Python floats.
    """
    _check(steps, base_lrs)
    model, optimizer = torch_model_and_optimizer(base_lrs)
    scheduler = make_scheduler(optimizer)
    return _drive_torch(model, optimizer, scheduler, steps)


# --------------------------------------------------------------------------- timm


def _bare_package(name: str, path: str) -> types.ModuleType:
    spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
    spec.submodule_search_locations = [path]
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    return module


def timm_module(name: str) -> types.ModuleType:
    """Import one of timm's scheduler modules without running timm's package ``__init__``.

    ``name`` is e.g. ``"cosine_lr"`` or ``"timm.scheduler.cosine_lr"``.

    Why: ``import timm`` (and ``timm/scheduler/__init__``, through
    ``scheduler_factory``) pulls in the whole library, whose layers import
    ``torchvision``; torchvision has no working CPU build here, so timm is installed with
    ``pip install --no-deps timm`` and ``import timm`` fails. The scheduler modules
    themselves need only ``torch`` (and numpy). So ``timm`` and ``timm.scheduler`` are
    registered in ``sys.modules`` as bare packages whose ``__path__`` is the installed
    folder, and the wanted module is then imported normally: its relative and absolute
    ``timm.scheduler.*`` imports resolve, nothing else of timm is executed.

    If a real ``timm`` is already imported it is used as is.
    """
    full = name if name.startswith("timm.") else f"timm.scheduler.{name}"
    if "timm" not in sys.modules:
        spec = importlib.util.find_spec("timm")  # locates, does not execute, the package
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError("timm is not installed (make install adds it)")
        root = next(iter(spec.submodule_search_locations))
        timm = _bare_package("timm", root)
        timm.scheduler = _bare_package("timm.scheduler", f"{root}/scheduler")  # type: ignore[attr-defined]
    return importlib.import_module(full)


def timm_get_lr(scheduler: Any, t: int) -> list[float]:
    """timm's closed form: ``scheduler._get_lr(t)``, one value per group (no noise)."""
    return [float(v) for v in scheduler._get_lr(t)]


def timm_lrs(
    make_scheduler: Callable[[Any], Any],
    steps: int,
    base_lrs: Sequence[float] = DEFAULT_BASE_LRS,
    *,
    updates_per_epoch: int = 1,
) -> Lrs:
    """The lr in force at each of ``steps`` updates under a timm scheduler.

    Builds the same torch model and SGD as ``torch_lrs``, calls
    ``make_scheduler(optimizer)`` and mimics timm's ``train.py`` (start_epoch 0)::

        num_updates = 0
        for epoch in itertools.count():
            for batch in loader:            # updates_per_epoch batches
                ... optimizer.step()
                num_updates += 1
                scheduler.step_update(num_updates=num_updates)
            scheduler.step(epoch + 1)

    recording every group's lr before each ``optimizer.step()``. timm's schedulers
    ignore whichever of the two calls does not match their ``t_in_epochs``, so both are
    made, as in timm. Returns ``lrs[g][n]`` for update ``n``:

    - ``t_in_epochs=True``: ``t`` is the epoch, ``lrs[g][n] == _get_lr(n // updates_per_epoch)``;
    - ``t_in_epochs=False``: ``t`` is the update count, ``lrs[g][n] == _get_lr(n)``;

    except at ``t = 0``, where the lr in force is what the scheduler's *constructor* put
    in the groups (``base_values``, or ``warmup_lr_init`` when ``warmup_t > 0``), not
    ``_get_lr(0)``: timm's train.py makes no initial ``step(0)``. With ``noise_range_t``
    set, ``step``/``step_update`` add noise that ``_get_lr`` leaves out.
    """
    _check(steps, base_lrs)
    if updates_per_epoch < 1:
        raise ValueError(f"updates_per_epoch must be >= 1, got {updates_per_epoch!r}")
    model, optimizer = torch_model_and_optimizer(base_lrs)
    scheduler = make_scheduler(optimizer)
    lrs: Lrs = [[] for _ in optimizer.param_groups]
    num_updates = 0
    for epoch in itertools.count():
        for _ in range(updates_per_epoch):
            if num_updates == steps:
                return lrs
            _record(optimizer, lrs)
            _torch_update(model, optimizer)
            num_updates += 1
            scheduler.step_update(num_updates=num_updates)
        scheduler.step(epoch + 1)
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------- transformers

#: ``name`` -> (function in ``transformers.optimization``, what it takes), as of
#: transformers 5.24 (``TYPE_TO_SCHEDULER_FUNCTION``). All but the metric-driven ones
#: return a ``torch.optim.lr_scheduler.LambdaLR`` whose lambda multiplies each group's
#: initial lr. ``W`` = ``num_warmup_steps``, ``N`` = ``num_training_steps``; other
#: keywords go to ``scheduler_specific_kwargs``.
TRANSFORMERS_SCHEDULERS: dict[str, tuple[str, str]] = {
    "linear": ("get_linear_schedule_with_warmup", "W, N"),
    "cosine": ("get_cosine_schedule_with_warmup", "W, N, num_cycles=0.5"),
    "cosine_with_restarts": (
        "get_cosine_with_hard_restarts_schedule_with_warmup",
        "W, N, num_cycles=1",
    ),
    "polynomial": (
        "get_polynomial_decay_schedule_with_warmup",
        "W, N, lr_end=1e-7, power=1.0 (lr_end is absolute, relative to "
        'optimizer.defaults["lr"] for every group)',
    ),
    "constant": ("get_constant_schedule", "nothing (W, N and kwargs are ignored)"),
    "constant_with_warmup": (
        "get_constant_schedule_with_warmup",
        "W (N and kwargs are ignored)",
    ),
    "inverse_sqrt": ("get_inverse_sqrt_schedule", "W, timescale=None (-> W or 10_000); N ignored"),
    "cosine_with_min_lr": (
        "get_cosine_with_min_lr_schedule_with_warmup",
        'W, N, num_cycles=0.5, exactly one of min_lr (/ optimizer.defaults["lr"]) or min_lr_rate',
    ),
    "cosine_warmup_with_min_lr": (
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
        "W, N, num_cycles=0.5, one of min_lr / min_lr_rate, warmup_lr_rate=None",
    ),
    "warmup_stable_decay": (
        "get_wsd_schedule",
        "W, num_decay_steps, N or num_stable_steps, warmup_type='linear', "
        "decay_type='cosine', min_lr_ratio=0, num_cycles=0.5",
    ),
    "reduce_lr_on_plateau": ("get_reduce_on_plateau_schedule", "metric-driven: rejected"),
    "greedy": ("get_greedy_schedule", "metric-driven (GreedyLR): rejected"),
}

_METRIC_DRIVEN = frozenset({"reduce_lr_on_plateau", "greedy"})
_IGNORES_KWARGS = frozenset({"constant", "constant_with_warmup"})


def transformers_lrs(
    name: str,
    steps: int,
    base_lrs: Sequence[float] = DEFAULT_BASE_LRS,
    *,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    default_lr: float | None = None,
    **scheduler_specific_kwargs: Any,
) -> Lrs:
    """The lr in force at each of ``steps`` updates under transformers' ``get_scheduler(name)``.

    Calls ``transformers.optimization.get_scheduler(name, optimizer,
    num_warmup_steps=..., num_training_steps=..., scheduler_specific_kwargs=...)`` on the
    same model/SGD as ``torch_lrs`` and drives it the same way (one ``scheduler.step()``
    per update, as the ``Trainer`` does). ``TRANSFORMERS_SCHEDULERS`` maps each name to
    the function it calls and the keywords it takes.

    ``optimizer.defaults["lr"]`` is ``default_lr`` (default ``base_lrs[0]``): ``polynomial``
    and ``min_lr=`` read it instead of each group's own lr, so with several groups their
    absolute ``lr_end`` / ``min_lr`` are scaled per group by ``base_lrs[g] / default_lr``.

    Metric-driven names (``reduce_lr_on_plateau``, ``greedy``) raise ``TypeError``;
    keywords given to ``constant`` / ``constant_with_warmup``, which ``get_scheduler``
    would silently drop, raise ``TypeError`` too.

    Imports ``transformers.optimization`` directly (torch only, about 3 s; no hub access).
    """
    _check(steps, base_lrs)
    if name in _METRIC_DRIVEN:
        raise TypeError(f"transformers scheduler {name!r} is metric-driven: no fixed schedule")
    if name in _IGNORES_KWARGS and scheduler_specific_kwargs:
        raise TypeError(
            f"get_scheduler({name!r}) ignores scheduler_specific_kwargs "
            f"{sorted(scheduler_specific_kwargs)}"
        )
    from transformers.optimization import get_scheduler

    model, optimizer = torch_model_and_optimizer(base_lrs, default_lr=default_lr)
    scheduler = get_scheduler(
        name,
        optimizer,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        scheduler_specific_kwargs=dict(scheduler_specific_kwargs),
    )
    return _drive_torch(model, optimizer, scheduler, steps)


# --------------------------------------------------------------------------- Paddle


def import_paddle() -> types.ModuleType:
    """``import paddle``, without its import-time "No ccache found" ``UserWarning``."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="No ccache found", category=UserWarning)
        import paddle
    return paddle


def _check_paddle_scheduler(paddle: Any, scheduler: Any) -> None:
    from paddle.optimizer.lr import LRScheduler, ReduceOnPlateau

    if not isinstance(scheduler, LRScheduler):
        raise TypeError(f"make_scheduler must return a paddle LRScheduler, got {scheduler!r}")
    if isinstance(scheduler, ReduceOnPlateau):
        raise TypeError("ReduceOnPlateau is metric-driven: no fixed schedule to record")


def paddle_lrs(
    make_scheduler: Callable[[float], Any],
    steps: int,
    base_lrs: Sequence[float] = DEFAULT_BASE_LRS,
    *,
    dtype: str = "float64",
) -> Lrs:
    """The lr each parameter group really gets at each of ``steps`` Paddle updates.

    Paddle has ONE ``LRScheduler`` per optimizer; a parameter group's ``"learning_rate"``
    is a *multiplier* of it (Paddle stores it in each parameter's
    ``optimize_attr["learning_rate"]`` and applies ``global_lr * multiplier``). So
    ``scheduler = make_scheduler(base_lrs[0])`` and group ``g`` is
    ``{"params": [w_g], "learning_rate": base_lrs[g] / base_lrs[0]}``.

    The lr is *measured* from the update the optimizer applies, not read back: the
    optimizer is plain ``paddle.optimizer.SGD(learning_rate=scheduler, ...)`` (with
    Momentum the update is ``lr * velocity``, not ``lr``), each group holds one scalar
    parameter ``w_g`` of ``dtype``, set to 0 before every update, with loss
    ``sum_g w_g * 1`` (gradient exactly 1). The update is then ``w_g = 0 - lr * 1``, so
    ``lr_eff = -w_g`` with no rounding at all. Then ``scheduler.step()``.

    Precision: Paddle creates its lr tensor in the parameters' dtype (``optimizer._dtype``).
    With the default ``dtype="float64"`` the measured lrs are the scheduler's float64
    ``last_lr`` (times the multiplier, one float64 product) exactly; with ``"float32"``
    they are those values rounded to float32 (~6e-8 relative), which is what float32
    training really applies. ``paddle_scheduler_lrs`` gives the scheduler's own values.

    Returns ``lrs[g][k]`` as Python floats.
    """
    _check(steps, base_lrs)
    paddle = import_paddle()
    import numpy as np

    scheduler = make_scheduler(float(base_lrs[0]))
    _check_paddle_scheduler(paddle, scheduler)
    zero = paddle.nn.initializer.Constant(0.0)
    params = [paddle.create_parameter([1], dtype=dtype, default_initializer=zero) for _ in base_lrs]
    groups = [
        {"params": [w], "learning_rate": float(lr) / float(base_lrs[0])}
        for w, lr in zip(params, base_lrs, strict=True)
    ]
    optimizer = paddle.optimizer.SGD(learning_rate=scheduler, parameters=groups)
    zeros = np.zeros([1], dtype=dtype)
    lrs: Lrs = [[] for _ in params]
    for k in range(steps):
        for w in params:
            w.set_value(zeros)
        loss = paddle.add_n([w.sum() for w in params])
        loss.backward()
        optimizer.step()
        optimizer.clear_grad()
        for g, w in enumerate(params):
            lrs[g].append(-float(w.numpy()[0]))
        _step_scheduler(scheduler, k, steps)
    return lrs


def paddle_scheduler_lrs(
    make_scheduler: Callable[[float], Any],
    steps: int,
    base_lr: float = DEFAULT_BASE_LRS[0],
) -> list[float]:
    """A Paddle ``LRScheduler``'s own lr for updates 0..steps-1, stepped alone (float64).

    Records ``scheduler()`` (i.e. ``scheduler.last_lr``), then ``scheduler.step()``. Note
    that Paddle's ``get_lr()`` is NOT an accessor: it is the method ``step()`` calls to
    compute the *next* value (recursive for e.g. ``CosineAnnealingDecay``), so calling it
    between steps gives a different number. Group ``g`` of ``paddle_lrs`` gets this
    times ``base_lrs[g] / base_lrs[0]``.
    """
    _check(steps, (base_lr,))
    paddle = import_paddle()
    scheduler = make_scheduler(float(base_lr))
    _check_paddle_scheduler(paddle, scheduler)
    out: list[float] = []
    for k in range(steps):
        out.append(float(scheduler()))
        _step_scheduler(scheduler, k, steps)
    return out


# --------------------------------------------------------------------------- optax


def optax_values(fn: Callable[[Any], Any], steps: int) -> list[float]:
    """``[float(fn(k)) for k in range(steps)]``, evaluated in float64.

    JAX computes in float32 unless x64 is enabled; this evaluates every ``fn(k)`` (``k``
    a Python int, so int64 under x64: no int32 wrap) inside ``jax.enable_x64(True)``, a
    thread-local context that restores the previous setting on exit. Constants are
    promoted only if the schedule holds them as Python floats (optax's own schedules do,
    when built from Python floats); a result that is still a lower-precision float array
    (e.g. a schedule closing over float32 arrays) raises ``TypeError`` rather than
    passing float32 values off as a float64 oracle.
    """
    _check(steps, (1.0,))
    import jax
    import numpy as np

    out: list[float] = []
    with jax.enable_x64(True):
        for k in range(steps):
            value = fn(k)
            dtype = np.asarray(value).dtype
            if dtype.kind == "f" and dtype != np.float64:
                raise TypeError(
                    f"optax schedule returned {dtype} at step {k}: not a float64 oracle"
                )
            out.append(float(value))
    return out
