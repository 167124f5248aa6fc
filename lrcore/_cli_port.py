"""``lrcore port SOURCE``: a native scheduler, written as a call, as an lrcore config.

``SOURCE`` is parsed with :mod:`ast` and checked *before anything is imported*: the
callee must be one of

* ``torch.optim.lr_scheduler.<Class>(...)`` -- built on a throwaway optimizer, a
  one-parameter ``torch.optim.SGD`` with ``lr = --base-lr`` (default 0.1) and
  ``momentum=0.9`` (OneCycleLR and CyclicLR cycle the momentum).  Write the optimizer
  argument as the name ``optimizer`` or leave it out;
* ``paddle.optimizer.lr.<Class>(...)`` (its ``learning_rate`` is the base);
* ``optax.<schedule function>(...)`` or ``optax.schedules.<function>(...)``;
* ``transformers:<get_scheduler name>(...)`` -- ``num_warmup_steps`` and
  ``num_training_steps`` (also positionally), every other keyword goes to
  ``scheduler_specific_kwargs``; built on the throwaway torch optimizer.

and every argument a literal: numbers (with a sign), strings, ``True``/``False``/
``None``, lists, tuples and dicts of them, or a nested call of the same framework
(``SequentialLR(schedulers=[...])``, Paddle's ``LinearWarmup(learning_rate=...)``,
optax's ``join_schedules``).  Names (but ``optimizer``), attributes, operators,
lambdas, f-strings, comprehensions and starred arguments are refused.  Then only the
named framework's scheduler module is imported and the class or function the call
names -- checked to be a scheduler -- is called with those values; the result goes
through ``from_torch`` / ``from_paddle`` / ``from_optax``.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lrcore._cli_config import CliError

DEFAULT_BASE_LR = 0.1
"""The lr of the throwaway optimizer a torch or transformers scheduler is built on."""

_MAX_SOURCE = 100_000  # characters
_TRANSFORMERS = re.compile(r"\s*transformers\s*:\s*")
_FORMS = (
    "torch.optim.lr_scheduler.<Class>(...), paddle.optimizer.lr.<Class>(...), "
    "optax.<schedule function>(...) or transformers:<get_scheduler name>(...)"
)


@dataclass(frozen=True)
class _Call:
    """A checked call: ``framework``, the class or function ``name``, literal arguments."""

    framework: str  # "torch", "paddle", "optax", "transformers"
    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    text: str


class _Optimizer:
    """The place of the throwaway optimizer in a torch call (the name ``optimizer``)."""


OPTIMIZER = _Optimizer()


# ------------------------------------------------------------------------ parsing


def parse(source: str, where: str = "SOURCE") -> _Call:
    """Check ``source`` (a call) and return its parts; imports and evaluates nothing."""
    if len(source) > _MAX_SOURCE:
        raise CliError(f"{where}: longer than {_MAX_SOURCE} characters")
    match = _TRANSFORMERS.match(source)
    framework = "transformers" if match else None
    text = source[match.end() :] if match else source
    node = _expression(text, where)
    for inner in ast.walk(node):
        # The attribute tricks (StepLR.__init__.__globals__, obj.__class__): refused
        # wherever they are, with the reason, before anything else is looked at.
        if isinstance(inner, ast.Attribute) and inner.attr.startswith("_"):
            raise CliError(
                f"{where}: private and dunder attributes are not allowed: {inner.attr!r} in "
                f"{_shown(inner)!r}"
            )
    return _call(node, framework, where)


def _expression(text: str, where: str) -> ast.expr:
    """The one expression ``text`` holds (a file may also hold imports and ``x = call``)."""
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        first = error
    try:
        module = ast.parse(text)
    except SyntaxError:
        raise CliError(
            f"{where}: not a Python call: {first.msg} (line {first.lineno}, column "
            f"{first.offset}); expected {_FORMS}"
        ) from None
    statements = [s for s in module.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
    if len(statements) == 1:
        statement = statements[0]
        if isinstance(statement, ast.Expr):
            return statement.value
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            return statement.value
    raise CliError(
        f"{where}: expected one call ({_FORMS}), optionally assigned to a name, got "
        f"{len(statements)} statements"
    )


def _dotted(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def _callee(node: ast.expr, framework: str | None, where: str) -> tuple[str, str]:
    """``(framework, name)`` of the callee, which must be a scheduler's dotted name."""
    parts = _dotted(node)
    shown = ast.unparse(node)
    if parts is None:
        raise CliError(f"{where}: the callee {shown!r} is not a dotted name; expected {_FORMS}")
    private = [part for part in parts if part.startswith("_")]
    if private:
        raise CliError(
            f"{where}: {shown!r}: private and dunder attributes ({private[0]!r}) are not "
            f"allowed; expected {_FORMS}"
        )
    if framework == "transformers":
        if len(parts) != 1:
            raise CliError(
                f"{where}: transformers:{shown}: expected a get_scheduler name such as "
                "transformers:cosine(num_warmup_steps=100, num_training_steps=1000)"
            )
        return "transformers", parts[0]
    prefix, name = parts[:-1], parts[-1]
    if prefix == ["torch", "optim", "lr_scheduler"]:
        return "torch", name
    if prefix == ["paddle", "optimizer", "lr"]:
        return "paddle", name
    if prefix in (["optax"], ["optax", "schedules"]):
        return "optax", name
    raise CliError(f"{where}: {shown!r} is not a scheduler this command ports; expected {_FORMS}")


def _call(node: ast.expr, framework: str | None, where: str) -> _Call:
    if not isinstance(node, ast.Call):
        raise CliError(f"{where}: expected a call ({_FORMS}), got {_kind(node)}: {_shown(node)!r}")
    found, name = _callee(node.func, framework, where)
    if framework not in (None, found):
        raise CliError(f"{where}: a {framework} call cannot hold a {found} call")
    inside = f"{where}: {ast.unparse(node.func)}"
    args = []
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            raise CliError(f"{inside}: starred arguments are not allowed: {_shown(arg)!r}")
        args.append(_literal(arg, found, inside))
    kwargs: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise CliError(f"{inside}: **keyword unpacking is not allowed: {_shown(keyword)!r}")
        kwargs[keyword.arg] = _literal(keyword.value, found, f"{inside}: {keyword.arg}")
    return _Call(found, name, tuple(args), kwargs, ast.unparse(node))


def _literal(node: ast.expr, framework: str, where: str) -> Any:
    """The value of a literal argument; anything that would need evaluating is refused."""
    if isinstance(node, ast.Constant):
        if node.value is None or isinstance(node.value, (bool, int, float, str)):
            return node.value
        raise CliError(f"{where}: {type(node.value).__name__} literals are not allowed")
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, (int, float))
        and not isinstance(node.operand.value, bool)
    ):
        number = node.operand.value
        return -number if isinstance(node.op, ast.USub) else number
    if isinstance(node, (ast.List, ast.Tuple)):
        items = []
        for item in node.elts:
            if isinstance(item, ast.Starred):
                raise CliError(f"{where}: starred items are not allowed: {_shown(item)!r}")
            items.append(_literal(item, framework, where))
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Dict):
        result = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                raise CliError(f"{where}: **dict unpacking is not allowed: {_shown(node)!r}")
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                raise CliError(f"{where}: dict keys must be strings, got {_shown(key)!r}")
            result[key.value] = _literal(value, framework, f"{where}[{key.value!r}]")
        return result
    if isinstance(node, ast.Call):
        return _call(node, framework, where)
    if isinstance(node, ast.Name):
        if node.id == "optimizer" and framework in ("torch", "transformers"):
            return OPTIMIZER
        hint = (
            " (the optimizer is written 'optimizer', or left out)" if framework == "torch" else ""
        )
        raise CliError(
            f"{where}: names are not allowed, got {node.id!r}: write the literal value{hint}"
        )
    reasons = {
        ast.Lambda: "lambdas are not allowed (lrcore ports closed forms, not code)",
        ast.JoinedStr: "f-strings are not allowed",
        ast.Attribute: "attributes are not allowed",
        ast.BinOp: "operators are not allowed: write the computed number",
        ast.Subscript: "subscripts are not allowed",
    }
    reason = reasons.get(type(node), f"{_kind(node)} is not a literal")
    raise CliError(f"{where}: {reason}: {_shown(node)!r}")


def _kind(node: ast.AST) -> str:
    return f"an expression of type {type(node).__name__}"


def _shown(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 80 else text[:77] + "..."


# ------------------------------------------------------------------------ running


def port(source: str, base_lr: float | None, as_json: bool) -> str:
    """The text of ``lrcore port``: base lr, config and code, or only the JSON."""
    text, where = _read(source)
    call = parse(text, where)
    if call.framework in ("paddle", "optax") and base_lr is not None:
        raise CliError(
            f"--base-lr is for torch and transformers sources (their optimizer's lr); a "
            f"{call.framework} call gives its own learning rate"
        )
    base, schedule = _port(call, DEFAULT_BASE_LR if base_lr is None else base_lr, where)
    config = schedule.to_config()
    if as_json:
        return json.dumps({"base_lr": base, "schedule": config}, indent=2)
    return _report(call, base, config, base_lr)


def _read(source: str) -> tuple[str, str]:
    """``(text, where)``: the call itself, or the contents of the file it names."""
    path = Path(source)
    if "(" in source or "\n" in source:
        return source, "SOURCE"
    if not path.is_file():
        if "/" in source or "\\" in source or path.suffix in (".py", ".txt"):
            raise CliError(f"SOURCE {source}: no such file")
        return source, "SOURCE"  # a dotted name, say: parse() says what is wrong with it
    try:
        if path.stat().st_size > _MAX_SOURCE:
            raise CliError(f"{source}: larger than {_MAX_SOURCE} bytes")
        return path.read_text(encoding="utf-8"), source
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"{source}: cannot read: {error}") from None


def _port(call: _Call, base_lr: float, where: str) -> tuple[float, Any]:
    try:
        if call.framework == "torch":
            return _port_torch(call, base_lr, where)
        if call.framework == "transformers":
            return _port_transformers(call, base_lr, where)
        if call.framework == "paddle":
            return _port_paddle(call, where)
        return _port_optax(call, where)
    except CliError:
        raise
    except (TypeError, ValueError, RuntimeError, AttributeError, KeyError) as error:
        raise CliError(f"{where}: {call.text}: {type(error).__name__}: {error}") from None


def _scheduler_class(module: Any, base: Any, call: _Call, dotted: str) -> Any:
    cls = getattr(module, call.name, None)
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise CliError(f"SOURCE: {dotted}.{call.name} is not a scheduler class of {dotted}")
    return cls


def _torch_optimizer(base_lr: float) -> Any:
    torch = importlib.import_module("torch")
    parameter = torch.nn.Parameter(torch.zeros(1))
    return torch.optim.SGD([parameter], lr=base_lr, momentum=0.9)


def _build_torch(call: _Call, module: Any, optimizer: Any) -> Any:
    dotted = "torch.optim.lr_scheduler"
    cls = _scheduler_class(module, module.LRScheduler, call, dotted)
    args = [_resolve(value, module, optimizer) for value in call.args]
    kwargs = {key: _resolve(value, module, optimizer) for key, value in call.kwargs.items()}
    if not any(value is OPTIMIZER for value in call.args) and "optimizer" not in kwargs:
        args.insert(0, optimizer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(*args, **kwargs)


def _resolve(value: Any, module: Any, optimizer: Any) -> Any:
    if value is OPTIMIZER:
        return optimizer
    if isinstance(value, _Call):
        return _build_torch(value, module, optimizer)
    if isinstance(value, list):
        return [_resolve(item, module, optimizer) for item in value]
    if isinstance(value, tuple):
        return tuple(_resolve(item, module, optimizer) for item in value)
    if isinstance(value, dict):
        return {key: _resolve(item, module, optimizer) for key, item in value.items()}
    return value


def _port_torch(call: _Call, base_lr: float, where: str) -> tuple[float, Any]:
    module = importlib.import_module("torch.optim.lr_scheduler")
    scheduler = _build_torch(call, module, _torch_optimizer(base_lr))
    from_torch = importlib.import_module("lrcore_torch").from_torch
    ((base, schedule),) = from_torch(scheduler)
    return float(base), schedule


_METRIC_DRIVEN = ("reduce_lr_on_plateau", "greedy")
_IGNORE_KWARGS = ("constant", "constant_with_warmup")


def _port_transformers(call: _Call, base_lr: float, where: str) -> tuple[float, Any]:
    args = [value for value in call.args if value is not OPTIMIZER]
    kwargs = {k: v for k, v in call.kwargs.items() if k != "optimizer"}
    if _has_call(args) or _has_call(list(kwargs.values())):
        raise CliError(f"{where}: transformers:{call.name}: nested calls are not allowed")
    if call.name in _METRIC_DRIVEN:
        raise CliError(
            f"{where}: transformers' {call.name!r} is metric-driven: it has no fixed schedule"
        )
    if len(args) > 2:
        raise CliError(
            f"{where}: transformers:{call.name} takes at most 2 positional arguments "
            f"(num_warmup_steps, num_training_steps), got {len(args)}"
        )
    steps = dict(zip(("num_warmup_steps", "num_training_steps"), args, strict=False))
    for key in ("num_warmup_steps", "num_training_steps"):
        if key in kwargs:
            if key in steps:
                raise CliError(f"{where}: transformers:{call.name}: {key} given twice")
            steps[key] = kwargs.pop(key)
    if call.name in _IGNORE_KWARGS and kwargs:
        raise CliError(
            f"{where}: transformers' {call.name!r} ignores {sorted(kwargs)} (get_scheduler "
            "drops them silently)"
        )
    optimization = importlib.import_module("transformers.optimization")
    names = [str(getattr(kind, "value", kind)) for kind in optimization.TYPE_TO_SCHEDULER_FUNCTION]
    if call.name not in names:
        known = ", ".join(name for name in names if name not in _METRIC_DRIVEN)
        raise CliError(f"{where}: transformers has no scheduler {call.name!r}; known: {known}")
    optimizer = _torch_optimizer(base_lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = optimization.get_scheduler(
            call.name, optimizer, **steps, scheduler_specific_kwargs=kwargs
        )
    # transformers' own porter, whatever order from_torch's porters were registered in.
    port_transformers = importlib.import_module("lrcore_torch._port_hf").port_transformers
    ((base, schedule),) = port_transformers(scheduler)
    return float(base), schedule


def _has_call(values: list[Any]) -> bool:
    return any(isinstance(value, _Call) for value in values)


def _build_paddle(call: _Call, module: Any) -> Any:
    cls = _scheduler_class(module, module.LRScheduler, call, "paddle.optimizer.lr")
    args = [_resolve_with(value, lambda c: _build_paddle(c, module)) for value in call.args]
    kwargs = {
        key: _resolve_with(value, lambda c: _build_paddle(c, module))
        for key, value in call.kwargs.items()
    }
    return cls(*args, **kwargs)


def _resolve_with(value: Any, build: Any) -> Any:
    if value is OPTIMIZER:
        raise CliError("'optimizer' is only for torch and transformers sources")
    if isinstance(value, _Call):
        return build(value)
    if isinstance(value, list):
        return [_resolve_with(item, build) for item in value]
    if isinstance(value, tuple):
        return tuple(_resolve_with(item, build) for item in value)
    if isinstance(value, dict):
        return {key: _resolve_with(item, build) for key, item in value.items()}
    return value


def _port_paddle(call: _Call, where: str) -> tuple[float, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # paddle's import-time "No ccache found"
        module = importlib.import_module("paddle.optimizer.lr")
        scheduler = _build_paddle(call, module)
    from_paddle = importlib.import_module("lrcore_paddle").from_paddle
    base, schedule = from_paddle(scheduler)
    return float(base), schedule


def _optax_pair(call: _Call, schedules: Any) -> tuple[float, Any]:
    import inspect

    fn = getattr(schedules, call.name, None)
    if not callable(fn) or not inspect.isfunction(fn):
        raise CliError(f"optax has no schedule function {call.name!r}")
    build = lambda inner: _optax_pair(inner, schedules)  # noqa: E731
    args = [_resolve_with(value, build) for value in call.args]
    kwargs = {key: _resolve_with(value, build) for key, value in call.kwargs.items()}
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except TypeError as error:
        raise CliError(f"optax.{call.name}: {error}") from None
    from_optax = importlib.import_module("lrcore_optax").from_optax
    base, schedule = from_optax(call.name, **bound.arguments)
    return float(base), schedule


def _port_optax(call: _Call, where: str) -> tuple[float, Any]:
    schedules = importlib.import_module("optax.schedules")
    try:
        return _optax_pair(call, schedules)
    except CliError as error:
        raise CliError(f"{where}: {error}") from None


# ------------------------------------------------------------------------- output


def _report(call: _Call, base: float, config: dict[str, Any], base_lr: float | None) -> str:
    import pprint

    # aligned under "schedule = {"
    literal = pprint.pformat(config, sort_dicts=False, width=77).replace("\n", "\n" + " " * 11)
    source = f"transformers:{call.text}" if call.framework == "transformers" else call.text
    lines = [f"# {source}"]
    if call.framework in ("torch", "transformers"):
        lr = DEFAULT_BASE_LR if base_lr is None else base_lr
        lines.append(
            f"# built on a one-parameter torch.optim.SGD(lr={lr!r}, momentum=0.9)"
            + ("" if base_lr is not None else " (--base-lr to change the lr)")
        )
    lines += [
        f"base lr: {base!r}",
        "",
        "lrcore config (JSON; lr = base lr x factor):",
        json.dumps(config, indent=2),
        "",
        f"# --- PyTorch: the optimizer's lr is the base lr, {base!r}",
        "import torch",
        "from lrcore_torch import to_torch",
        "",
        f"schedule = {literal}",
        f"optimizer = torch.optim.SGD(model.parameters(), lr={base!r})  # or your optimizer",
        "scheduler = to_torch(schedule, optimizer)  # scheduler.step() after each update",
        "",
        "# --- PaddlePaddle",
        "import paddle",
        "from lrcore_paddle import to_paddle",
        "",
        f"schedule = {literal}",
        f"scheduler = to_paddle(schedule, learning_rate={base!r})",
        "optimizer = paddle.optimizer.SGD(learning_rate=scheduler, parameters=model.parameters())",
        "",
        "# --- JAX / optax",
        "import optax",
        "from lrcore_optax import to_optax",
        "",
        f"schedule = {literal}",
        f"optimizer = optax.sgd(learning_rate=to_optax(schedule, learning_rate={base!r}))",
    ]
    return "\n".join(lines)
