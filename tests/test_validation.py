"""Config validation: bad settings fail when the schedule is built, naming field and value.

Every rejection is checked through both doors: the class constructor
(``lrcore.CosineAnnealing(T_max=0)``) and ``lrcore.from_config`` with a plain dict.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import lrcore
from lrcore import Schedule

CLASSES: dict[str, type[Schedule]] = {
    "constant": lrcore.Constant,
    "warmup_linear": lrcore.WarmupLinear,
    "warmup_factor": lrcore.WarmupFactor,
    "step": lrcore.Step,
    "multistep": lrcore.MultiStep,
    "exponential": lrcore.Exponential,
    "cosine_annealing": lrcore.CosineAnnealing,
    "warmup": lrcore.Warmup,
}

VALID: dict[str, dict[str, Any]] = {
    "constant": {"factor": 0.5},
    "warmup_linear": {"warmup_steps": 10, "total_steps": 100},
    "warmup_factor": {"warmup_iters": 5, "warmup_factor": 0.1},
    "step": {"step_size": 5, "gamma": 0.5},
    "multistep": {"milestones": [3, 9], "gamma": 0.5},
    "exponential": {"gamma": 0.9},
    "cosine_annealing": {"T_max": 10, "min_factor": 0.1},
    "warmup": {"warmup_steps": 5, "start_factor": 0.1, "schedule": {"name": "constant"}},
}
"""A valid full parameter set per name; each bad case overrides one field."""

INT_FIELDS = [
    ("cosine_annealing", "T_max"),
    ("step", "step_size"),
    ("warmup_linear", "warmup_steps"),
    ("warmup_linear", "total_steps"),
    ("warmup_factor", "warmup_iters"),
    ("warmup", "warmup_steps"),
]
FLOAT_FIELDS = [
    ("constant", "factor"),
    ("warmup_factor", "warmup_factor"),
    ("step", "gamma"),
    ("multistep", "gamma"),
    ("exponential", "gamma"),
    ("cosine_annealing", "min_factor"),
    ("warmup", "start_factor"),
]
NUMERIC_FIELDS = INT_FIELDS + FLOAT_FIELDS

# (name, field, bad value, value shown in the message, expected exception)
Bad = tuple[str, str, Any, Any, type[Exception]]


def _table() -> list[Bad]:
    bad: list[Bad] = []

    same = object()

    def add(name: str, field: str, value: Any, error: type[Exception], shown: Any = same) -> None:
        bad.append((name, field, value, value if shown is same else shown, error))

    # Zero or negative periods.
    for name, field in [
        ("cosine_annealing", "T_max"),
        ("step", "step_size"),
        ("warmup_linear", "total_steps"),
    ]:
        for value in (0, -1, -100):
            add(name, field, value, ValueError)
    # Negative warmup lengths.
    for name, field in [
        ("warmup_linear", "warmup_steps"),
        ("warmup_factor", "warmup_iters"),
        ("warmup", "warmup_steps"),
    ]:
        add(name, field, -1, ValueError)
    # Non-finite numbers for every float field.
    for name, field in FLOAT_FIELDS:
        for value in (math.nan, math.inf, -math.inf):
            add(name, field, value, ValueError)
    # Non-numbers, booleans, and (for integer fields) floats.
    for name, field in NUMERIC_FIELDS:
        for value in ("0.1", None, [1], True, False):
            add(name, field, value, TypeError)
    for name, field in INT_FIELDS:
        for value in (10.0, 2.5):
            add(name, field, value, TypeError)
    # gamma must be > 0.
    for name in ("step", "multistep", "exponential"):
        for value in (0, 0.0, -0.0, -0.5):
            add(name, "gamma", value, ValueError)
    # Factors must be >= 0.
    for name, field in [
        ("constant", "factor"),
        ("warmup_factor", "warmup_factor"),
        ("cosine_annealing", "min_factor"),
        ("warmup", "start_factor"),
    ]:
        for value in (-0.1, -1e-300, -2):
            add(name, field, value, ValueError)
    # Milestones: the whole list, or the offending item, appears in the message.
    add("multistep", "milestones", [5, 3], ValueError)
    # A repeated milestone is allowed (torch counts it twice); a decreasing one is not.
    add("multistep", "milestones", [9, 3], ValueError)
    add("multistep", "milestones", [-1, 3], ValueError, shown=-1)
    add("multistep", "milestones", [2, 1.5], TypeError, shown=1.5)
    add("multistep", "milestones", [3.0], TypeError, shown=3.0)
    add("multistep", "milestones", [True], TypeError, shown=True)
    add("multistep", "milestones", ["30"], TypeError, shown="30")
    add("multistep", "milestones", [None], TypeError, shown=None)
    add("multistep", "milestones", 30, TypeError)
    add("multistep", "milestones", "30,80", TypeError)
    add("multistep", "milestones", None, TypeError)
    add("multistep", "milestones", {"30": 1}, TypeError)
    return bad


BAD = _table()


def _bad_id(row: Bad) -> str:
    name, field, value, _, error = row
    return f"{name}.{field}={value!r}-{error.__name__}"


def _assert_names(excinfo: pytest.ExceptionInfo[Exception], *pieces: str) -> None:
    message = str(excinfo.value)
    for piece in pieces:
        assert piece in message, f"{piece!r} not in {message!r}"


@pytest.mark.parametrize(("name", "field", "value", "shown", "error"), BAD, ids=map(_bad_id, BAD))
def test_bad_value_via_constructor(
    name: str, field: str, value: Any, shown: Any, error: type[Exception]
) -> None:
    """The class constructor rejects the value with the right error naming field and value."""
    params = {**VALID[name], field: value}
    with pytest.raises(error) as excinfo:
        CLASSES[name](**params)
    assert type(excinfo.value) is error
    _assert_names(excinfo, field, repr(shown), name)


@pytest.mark.parametrize(("name", "field", "value", "shown", "error"), BAD, ids=map(_bad_id, BAD))
def test_bad_value_via_from_config(
    name: str, field: str, value: Any, shown: Any, error: type[Exception]
) -> None:
    """from_config rejects the same value with the same error naming field and value."""
    config = {"name": name, **VALID[name], field: value}
    with pytest.raises(error) as excinfo:
        lrcore.from_config(config)
    assert type(excinfo.value) is error
    _assert_names(excinfo, field, repr(shown), name)


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_base_params_build(name: str) -> None:
    """The base parameter sets the bad cases start from are themselves valid (via both doors)."""
    assert CLASSES[name](**VALID[name]) == lrcore.from_config({"name": name, **VALID[name]})


@pytest.mark.parametrize(
    ("warmup", "total"), [(10, 5), (2, 1), (101, 100)], ids=["10>5", "2>1", "101>100"]
)
def test_total_steps_below_warmup_steps(warmup: int, total: int) -> None:
    """warmup_linear with total_steps < warmup_steps is rejected, naming both fields and values."""
    error = ValueError
    for build in (
        lambda: lrcore.WarmupLinear(warmup_steps=warmup, total_steps=total),
        lambda: lrcore.from_config(
            {"name": "warmup_linear", "warmup_steps": warmup, "total_steps": total}
        ),
    ):
        with pytest.raises(error) as excinfo:
            build()
        _assert_names(excinfo, "total_steps", "warmup_steps", repr(total), repr(warmup))


@pytest.mark.parametrize(
    "name", ["cosin", "Cosine_Annealing", "", "lineer", "warmup_cosine_x", "StepLR"]
)
def test_unknown_schedule_name(name: str) -> None:
    """An unknown name raises ValueError quoting the name (and listing the known ones)."""
    with pytest.raises(ValueError) as excinfo:
        lrcore.from_config({"name": name, "T_max": 10})
    _assert_names(excinfo, repr(name), "cosine_annealing", "warmup_linear")


@pytest.mark.parametrize(
    ("name", "param", "value"),
    [
        ("step", "gama", 0.5),
        ("cosine_annealing", "eta_min", 0.0),
        ("warmup_linear", "num_warmup_steps", 10),
        ("constant", "factr", 2.0),
        ("multistep", "milestone", [3]),
        ("warmup", "start", 0.1),
        ("exponential", "Gamma", 0.9),
        ("warmup_factor", "iters", 7),
    ],
)
def test_unknown_parameter(name: str, param: str, value: Any) -> None:
    """An unknown parameter raises TypeError naming it and its value (from_config) or
    naming it (constructor: Python's own keyword check)."""
    with pytest.raises(TypeError) as excinfo:
        lrcore.from_config({"name": name, **VALID[name], param: value})
    _assert_names(excinfo, repr(param), repr(value), name)
    with pytest.raises(TypeError) as excinfo:
        CLASSES[name](**VALID[name], **{param: value})
    _assert_names(excinfo, param)


@pytest.mark.parametrize(
    ("config", "missing"),
    [
        ({"name": "step"}, "step_size"),
        ({"name": "step", "gamma": 0.5}, "step_size"),
        ({"name": "multistep", "gamma": 0.5}, "milestones"),
        ({"name": "exponential"}, "gamma"),
        ({"name": "cosine_annealing", "min_factor": 0.1}, "T_max"),
        ({"name": "warmup_linear", "warmup_steps": 10}, "total_steps"),
        ({"name": "warmup_linear", "total_steps": 10}, "warmup_steps"),
        ({"name": "warmup_factor", "warmup_iters": 10}, "warmup_factor"),
        ({"name": "warmup", "warmup_steps": 10}, "schedule"),
        ({"name": "warmup", "schedule": {"name": "constant"}}, "warmup_steps"),
    ],
    ids=lambda value: str(value),
)
def test_missing_required_parameter(config: dict[str, Any], missing: str) -> None:
    """A missing required parameter raises TypeError naming it, via both doors."""
    with pytest.raises(TypeError) as excinfo:
        lrcore.from_config(config)
    _assert_names(excinfo, missing, config["name"])
    params = {key: value for key, value in config.items() if key != "name"}
    with pytest.raises(TypeError) as excinfo:
        CLASSES[config["name"]](**params)
    _assert_names(excinfo, missing)


@pytest.mark.parametrize(
    "config",
    [None, "step", 5, 0.1, ["name", "step"], [("name", "step")], ("constant",), {"constant"}],
    ids=repr,
)
def test_non_dict_config(config: Any) -> None:
    """A config that is not a mapping raises TypeError showing what was passed."""
    with pytest.raises(TypeError) as excinfo:
        lrcore.from_config(config)
    _assert_names(excinfo, repr(config))


@pytest.mark.parametrize(
    "config",
    [{}, {"step_size": 5}, {"Name": "step", "step_size": 5}, {"name": None}, {"name": 5}],
    ids=repr,
)
def test_missing_or_non_string_name(config: dict[str, Any]) -> None:
    """A config without a string "name" raises TypeError mentioning 'name'."""
    with pytest.raises(TypeError) as excinfo:
        lrcore.from_config(config)
    _assert_names(excinfo, "'name'")


@pytest.mark.parametrize(
    ("inner", "error", "pieces"),
    [
        ({"name": "cosine_annealing", "T_max": 0}, ValueError, ["cosine_annealing", "T_max", "0"]),
        ({"name": "step", "step_size": 5, "gamma": -1.0}, ValueError, ["gamma", "-1.0"]),
        ({"name": "multistep", "milestones": [9, 3]}, ValueError, ["milestones", "[9, 3]"]),
        ({"name": "exponential", "gamma": math.nan}, ValueError, ["gamma", "nan"]),
        ({"name": "step", "step_size": 2.0}, TypeError, ["step_size", "2.0"]),
        ({"name": "cosin", "T_max": 10}, ValueError, ["'cosin'"]),
        ({"name": "step", "step_size": 5, "gama": 0.1}, TypeError, ["'gama'", "0.1"]),
        ({"name": "step"}, TypeError, ["step_size"]),
        ({"T_max": 10}, TypeError, ["'name'"]),
        (
            {"name": "warmup", "warmup_steps": 2, "schedule": {"name": "step", "step_size": 0}},
            ValueError,
            ["step_size", "0"],
        ),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else "",
)
def test_bad_nested_schedule(
    inner: dict[str, Any], error: type[Exception], pieces: list[str]
) -> None:
    """A bad inner config inside warmup surfaces as the inner error, naming the inner field."""
    outer = {"name": "warmup", "warmup_steps": 5, "schedule": inner}
    with pytest.raises(error) as excinfo:
        lrcore.from_config(outer)
    _assert_names(excinfo, *pieces)
    with pytest.raises(error) as excinfo:
        lrcore.Warmup(warmup_steps=5, schedule=inner)
    _assert_names(excinfo, *pieces)


@pytest.mark.parametrize(
    "schedule", ["cosine_annealing", 5, None, [{"name": "constant"}]], ids=repr
)
def test_warmup_schedule_not_a_config(schedule: Any) -> None:
    """warmup's schedule must be a Schedule or a config dict: TypeError naming field and value."""
    with pytest.raises(TypeError) as excinfo:
        lrcore.Warmup(warmup_steps=5, schedule=schedule)
    _assert_names(excinfo, "schedule", repr(schedule))
    with pytest.raises(TypeError) as excinfo:
        lrcore.from_config({"name": "warmup", "warmup_steps": 5, "schedule": schedule})
    _assert_names(excinfo, "schedule", repr(schedule))


def test_integers_beyond_int64() -> None:
    """An integer too large for the array backends (2**63, 10**400) is either rejected at
    build time with ValueError/TypeError naming the field, or gives a schedule that evaluates
    on ints and on NumPy int64 arrays alike -- never an OverflowError, at build or later."""
    failures = []
    for name, field in INT_FIELDS:
        for value in (2**63, 10**400):
            params = {**VALID[name], field: value}
            if name == "warmup_linear":
                # total_steps >= warmup_steps keeps the other field valid.
                warmup = 0 if field == "total_steps" else value
                params = {"warmup_steps": warmup, "total_steps": value}
            label = f"{name}({field}={'2**63' if value == 2**63 else '10**400'})"
            try:
                schedule = CLASSES[name](**params)
            except (ValueError, TypeError) as error:
                assert field in str(error)
                continue
            except OverflowError as error:
                failures.append(f"{label}: build: OverflowError: {error}")
                continue
            try:
                values = schedule(np.arange(51))
            except OverflowError as error:
                failures.append(f"{label}: np.arange(51): OverflowError: {error}")
                continue
            np.testing.assert_allclose(values, [schedule(k) for k in range(51)], rtol=1e-15)
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------- hypothesis

GARBAGE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-3, max_value=300),
    # Bounded so that a valid growth schedule (gamma > 1) stays finite at step 50;
    # overflow to inf is tested in test_core.
    st.floats(min_value=-1e6, max_value=1e6),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e-300]),
    st.text(max_size=4),
    st.lists(st.integers(min_value=-3, max_value=60), max_size=4),
    st.lists(st.one_of(st.floats(allow_nan=True), st.booleans(), st.text()), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.tuples(st.integers(0, 5), st.integers(0, 5)),
)


@st.composite
def garbage_configs(draw: st.DrawFn, depth: int = 0) -> Any:
    """A config per family where each field is valid, missing or garbage (maybe nested)."""
    if draw(st.integers(0, 30)) == 0:
        return draw(GARBAGE)  # not even a dict
    names = sorted(VALID) if depth == 0 else sorted(set(VALID) - {"warmup"})
    name = draw(st.sampled_from(names))
    config: dict[str, Any] = {"name": name}
    for field, valid in VALID[name].items():
        choice = draw(st.integers(0, 3))
        if choice == 0:
            config[field] = valid
        elif choice == 1:
            continue  # missing
        elif field == "schedule":
            config[field] = draw(st.one_of(GARBAGE, garbage_configs(depth=1)))
        else:
            config[field] = draw(GARBAGE)
    if draw(st.integers(0, 10)) == 0:
        config[draw(st.text(max_size=5))] = draw(GARBAGE)
    if draw(st.integers(0, 10)) == 0:
        config["name"] = draw(GARBAGE)
    return config


@settings(max_examples=600, deadline=None, derandomize=True)
@given(config=garbage_configs())
@example(config={"name": "exponential", "gamma": 1e6})
@example(config={"name": "multistep", "milestones": (0, 5, 2**70)})
@example(config={"name": "warmup", "warmup_steps": 2**70, "schedule": {"name": "constant"}})
def test_garbage_builds_valid_schedule_or_raises_value_or_type_error(config: Any) -> None:
    """Any garbage config either raises ValueError/TypeError, or builds a schedule whose
    values at steps 0..50 are finite floats >= 0 (never another exception)."""
    try:
        schedule = lrcore.from_config(config)
    except (ValueError, TypeError):
        return
    for step in range(51):
        value = schedule(step)
        assert type(value) is float
        assert math.isfinite(value)
        assert value >= 0.0
