"""Reading the CLI's ``CONFIG`` arguments: a JSON string or a .json/.toml/.yaml file.

A file (or JSON string) holds either one schedule config (a table with a string
``name``), or ``{"base_lr": ..., "schedule": config}`` as ``lrcore port --json``
writes it (one schedule too), or several named ones (``lr``, ``momentum``, ... each
a table with a ``name``; other entries, such as ``epochs = 90``, are ignored), of
which ``--key`` picks one.  Every problem is a :class:`CliError` whose message names the file,
the key, and -- for a bad schedule -- the schedule, the field and the value.
"""

from __future__ import annotations

import json
import os.path
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import lrcore
from lrcore._schedule import Schedule

SUFFIXES = (".json", ".toml", ".yaml", ".yml")


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


@dataclass(frozen=True)
class Loaded:
    """A schedule read from a ``CONFIG`` argument."""

    schedule: Schedule
    label: str  # short, for legends: "sched.toml[lr]", or the schedule name
    where: str  # for messages: "sched.toml [lr]"
    keyed: bool  # whether it was picked from named schedules


def load(argument: str, key: str | None) -> Loaded:
    """The schedule ``argument`` describes (``key``: which of several named schedules)."""
    data, where, label, kind = _read(argument)
    config, picked = _select(data, key, where)
    if picked is not None:
        where, label = f"{where} [{picked}]", f"{label}[{picked}]"
    elif label == "":
        name = config.get("name")
        label = name if isinstance(name, str) else "CONFIG"
    try:
        schedule = lrcore.from_config(config)
    except (ValueError, TypeError) as error:
        message = str(error)
        hint = _yaml_hint(kind, message) + _name_hint(message)
        raise CliError(f"{where}: {_one_line(message)}{hint}") from None
    return Loaded(schedule, label, where, picked is not None)


def load_all(arguments: list[str], key: str | None) -> list[Loaded]:
    """:func:`load` for each argument; ``--key`` must pick from at least one of them."""
    loaded = [load(argument, key) for argument in arguments]
    if key is not None and not any(item.keyed for item in loaded):
        what = loaded[0].where if len(loaded) == 1 else "none of the CONFIGs"
        raise CliError(
            f"--key {key!r}: {what} holds a single schedule, not named schedules (drop --key)"
        )
    return loaded


def _read(argument: str) -> tuple[Any, str, str, str]:
    """``(data, where, label, kind)`` for a JSON string or a config file."""
    if argument.lstrip().startswith("{"):
        try:
            data = json.loads(argument)
        except json.JSONDecodeError as error:
            raise CliError(
                f"CONFIG is not valid JSON: {error.msg} at column {error.colno}: {argument!r}"
            ) from None
        return data, "CONFIG (JSON)", "", "json"
    # os.path, not pathlib: pathlib costs a few ms of startup (fnmatch, urllib)
    suffix = os.path.splitext(argument)[1].lower()
    if suffix not in SUFFIXES:
        if os.path.exists(argument):
            raise CliError(
                f"{argument}: unsupported file type {suffix or '(no extension)'!r}: CONFIG is a "
                "JSON string or a .json, .toml, .yaml or .yml file"
            )
        raise CliError(
            f"{argument!r} is neither a JSON object nor a .json, .toml, .yaml or .yml file"
        )
    if not os.path.isfile(argument):
        raise CliError(f"{argument}: no such file")
    try:
        with open(argument, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"{argument}: cannot read: {_one_line(str(error))}") from None
    kind = suffix.lstrip(".").replace("yml", "yaml")
    return _parse(text, kind, argument), argument, os.path.basename(argument), kind


def _parse(text: str, kind: str, where: str) -> Any:
    if kind == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CliError(
                f"{where}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
            ) from None
    if kind == "toml":
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise CliError(f"{where}: not valid TOML: {_one_line(str(error))}") from None
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:
        raise CliError(
            f"{where}: reading YAML needs PyYAML, which is not installed: "
            "pip install 'lrcore[yaml]' (or pyyaml)"
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CliError(f"{where}: not valid YAML: {_one_line(str(error))}") from None


def _is_schedule(value: Any) -> bool:
    return isinstance(value, Mapping) and "name" in value


def _select(data: Any, key: str | None, where: str) -> tuple[Mapping[str, Any], str | None]:
    """The config to build, and the key it was picked with (``None``: a single schedule)."""
    if not isinstance(data, Mapping):
        raise CliError(
            f"{where}: expected a schedule config (a table with a 'name') or named schedules, "
            f"got {type(data).__name__} {_short(data)}"
        )
    if "name" in data:
        return data, None
    if set(data) == {"base_lr", "schedule"} and _is_schedule(data["schedule"]):
        return data["schedule"], None  # what `lrcore port --json` writes: one schedule
    named = [name for name, value in data.items() if _is_schedule(value)]
    if key is None:
        if len(named) == 1:
            return data[named[0]], named[0]
        if not named:
            found = f" (found keys: {', '.join(map(str, data))})" if data else ""
            raise CliError(
                f"{where}: no schedule: expected a config with a 'name' (e.g. "
                f'{{"name": "cosine_annealing", "T_max": 100}}) or named schedules '
                f"(tables with a 'name'){found}"
            )
        raise CliError(
            f"{where}: holds several schedules ({', '.join(named)}): pick one with --key"
        )
    value = _lookup(data, key)
    if value is None:
        listed = ", ".join(named) if named else "none"
        raise CliError(f"{where}: no schedule {key!r} (--key); schedules here: {listed}")
    if not _is_schedule(value):
        raise CliError(
            f"{where}: {key!r} (--key) is not a schedule config (a table with a 'name'), "
            f"got {_short(value)}"
        )
    return value, key


def _lookup(data: Mapping[str, Any], key: str) -> Any:
    """``data[key]``, or a dotted path ``train.scheduler.lr`` into nested tables."""
    if key in data:
        return data[key]
    value: Any = data
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _one_line(text: str) -> str:
    return " ".join(text.split())


_STRING_VALUE = re.compile(r"got '([^']*)' \(str\)")


def _yaml_hint(kind: str, message: str) -> str:
    """YAML 1.1 (PyYAML) reads ``1e-4`` as a string; say so where that is the problem."""
    match = _STRING_VALUE.search(message)
    if kind != "yaml" or match is None:
        return ""
    try:
        float(match.group(1))
    except ValueError:
        return ""
    return (
        f" (YAML 1.1 reads {match.group(1)} as a string: write numbers with a decimal point, "
        "e.g. 1.0e-4)"
    )


_UNKNOWN_NAME = re.compile(r"unknown schedule name '([^']*)'")


def _name_hint(message: str) -> str:
    match = _UNKNOWN_NAME.search(message)
    if match is None:
        return ""
    import difflib

    close = difflib.get_close_matches(match.group(1), list(lrcore.registered()), n=3, cutoff=0.7)
    return f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
