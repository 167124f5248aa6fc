"""The ``lrcore`` command: look at, plot, compare and port learning-rate schedules.

::

    lrcore list                                   every registered schedule
    lrcore show CONFIG [--steps N] [--base-lr X]  pieces, values, min/max, a text sketch
    lrcore plot CONFIG [CONFIG ...] -o FILE.png   the curves overlaid (needs lrcore[plot])
    lrcore compare A B [--rtol R] [--atol A]      exit 0 if equal within tolerance, else 1
    lrcore port SOURCE                            a torch/Paddle/optax/transformers call as lrcore

``CONFIG`` is a JSON string or a ``.json``/``.toml``/``.yaml``/``.yml`` file holding one
schedule config or several named ones (``--key`` picks one).  Errors are one line on
stderr with exit status 2 (``--debug`` shows the traceback).  ``--help``, ``list``,
``show`` and ``compare`` import nothing beyond the standard library and lrcore.
"""

from __future__ import annotations

import argparse
import math
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (~10 ms)
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import NoReturn

__all__ = ["main"]

_DESCRIPTION = """\
Look at, plot, compare and port learning-rate schedules.

CONFIG is a JSON string ('{"name": "cosine_annealing", "T_max": 100}') or a .json,
.toml or .yaml/.yml file. A file holds one schedule config (a table with a "name")
or several named ones ([lr], [momentum], ...); --key picks one (a dotted path such as
train.scheduler.lr reaches into nested tables). Values are factors of the base lr;
--base-lr also prints lr = base lr x factor.
"""

_EPILOG = """\
examples:
  lrcore list
  lrcore show '{"name": "cosine_annealing", "T_max": 100, "min_factor": 0.05}'
  lrcore show schedules.toml --key lr --base-lr 0.1
  lrcore plot schedules.toml --key lr port.json --steps 1200 -o curves.png
  lrcore compare port.json schedules.toml --key lr
  lrcore port "torch.optim.lr_scheduler.OneCycleLR(max_lr=0.1, total_steps=1000)"

Errors exit with status 2; compare exits 1 when the schedules differ.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _steps(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text!r}")
    return value


def _real(minimum: float, strict: bool) -> Callable[[str], float]:
    what = f"> {minimum:g}" if strict else f">= {minimum:g}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number {what}, got {text!r}") from None
        if not math.isfinite(value) or value < minimum or (strict and value == minimum):
            raise argparse.ArgumentTypeError(f"must be a finite number {what}, got {text!r}")
        return value

    return parse


_HELP = {
    "list": "every registered schedule: parameters, defaults, what it is",
    "show": "a schedule in the terminal: pieces, values, min/max, a text sketch",
    "plot": "curves overlaid in a .png/.svg file (needs pip install 'lrcore[plot]')",
    "compare": "two schedules at every step: exit 0 if equal within tolerance, else 1",
    "port": "a torch/Paddle/optax/transformers call as an lrcore config and code",
}


def _parser(argv: Sequence[str]) -> _Parser:
    """The parser; of the commands' own parsers, only the one ``argv`` names is built.

    (Building all five costs a few ms of startup, mostly argparse's gettext lookups;
    ``lrcore --help`` and usage errors build them all.)
    """
    parser = _Parser(
        prog="lrcore",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    commands: argparse._SubParsersAction[_Parser] = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True
    )
    named = next((arg for arg in argv if not arg.startswith("-")), None)
    for name, build in _BUILDERS.items():
        if named not in _BUILDERS or name == named:
            sub: _Parser = commands.add_parser(
                name,
                help=_HELP[name],
                description=_HELP[name],
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
            # SUPPRESS: a --debug before the command is not reset by the command's default.
            sub.add_argument(
                "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
            )
            build(sub)
    return parser


def _key(parser: _Parser) -> None:
    parser.add_argument("--key", metavar="KEY", help="which named schedule of a file to use")


def _steps_option(parser: _Parser) -> None:
    parser.add_argument(
        "--steps",
        metavar="N",
        type=_steps,
        help="the end: look at steps 0..N (default: the length the config describes)",
    )


def _base_option(parser: _Parser) -> None:
    parser.add_argument(
        "--base-lr", metavar="X", type=_real(0.0, True), help="also print lr = X * factor"
    )


def _list_parser(parser: _Parser) -> None:
    pass


def _show_parser(parser: _Parser) -> None:
    parser.add_argument("config", metavar="CONFIG", help="JSON string or .json/.toml/.yaml file")
    _key(parser)
    _steps_option(parser)
    _base_option(parser)
    parser.epilog = (
        "the end is --steps N, or else the length the config describes: warmup_steps + the\n"
        "inner schedule's end, a join's last boundary + its last schedule's end, otherwise\n"
        "the largest integer parameter (T_max, total_steps, milestones...) or the last\n"
        "piece start; 100 for a schedule that changes forever with no length in its config\n"
        "(exponential). 'past the end' is end + 1 and 2 x end."
    )


def _plot_parser(parser: _Parser) -> None:
    parser.add_argument("configs", metavar="CONFIG", nargs="+", help="one or more configs")
    _key(parser)
    _steps_option(parser)
    _base_option(parser)
    parser.add_argument("--log", action="store_true", help="logarithmic y axis")
    parser.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="the image to write: .png or .svg"
    )
    parser.epilog = (
        "steps 0..N are drawn, N = --steps or a quarter past the latest config's end;\n"
        "dotted vertical lines mark where each schedule's pieces (phases) start."
    )


def _compare_parser(parser: _Parser) -> None:
    parser.add_argument("a", metavar="A", help="CONFIG")
    parser.add_argument("b", metavar="B", help="CONFIG")
    _key(parser)
    _steps_option(parser)
    parser.add_argument(
        "--rtol", metavar="R", type=_real(0.0, False), default=1e-12, help="default 1e-12"
    )
    parser.add_argument(
        "--atol", metavar="A", type=_real(0.0, False), default=1e-15, help="default 1e-15"
    )
    parser.epilog = (
        "A and B are equal at a step when |A - B| <= atol + rtol * max(|A|, |B|); steps\n"
        "0..N are compared, N = --steps or twice the later of the two configs' ends."
    )


def _port_parser(parser: _Parser) -> None:
    parser.add_argument(
        "source",
        metavar="SOURCE",
        help='a call such as "torch.optim.lr_scheduler.StepLR(optimizer, step_size=30)", '
        "or a file holding one",
    )
    parser.add_argument(
        "--base-lr",
        metavar="X",
        type=_real(0.0, True),
        help="the lr of the optimizer a torch or transformers scheduler is built on "
        "(default 0.1); Paddle and optax calls give their own",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print only {"base_lr": ..., "schedule": CONFIG} (a file show and compare read)',
    )
    parser.epilog = _port_epilog()


_BUILDERS: dict[str, Callable[[_Parser], None]] = {
    "list": _list_parser,
    "show": _show_parser,
    "plot": _plot_parser,
    "compare": _compare_parser,
    "port": _port_parser,
}


def _port_epilog() -> str:
    return (
        "SOURCE forms (arguments: literals only -- numbers, strings, True/False/None,\n"
        "lists, tuples, dicts -- nothing is evaluated):\n"
        "  torch.optim.lr_scheduler.OneCycleLR(max_lr=0.1, total_steps=1000)\n"
        "  torch.optim.lr_scheduler.StepLR(optimizer, step_size=30)   # 'optimizer': a\n"
        "      throwaway one-parameter SGD with lr = --base-lr (default 0.1); nested\n"
        "      schedulers are allowed in SequentialLR / ChainedScheduler\n"
        "  paddle.optimizer.lr.NoamDecay(d_model=512, warmup_steps=4000)\n"
        "  optax.warmup_cosine_decay_schedule(0.0, 0.1, 100, 1000)\n"
        "  transformers:cosine(num_warmup_steps=100, num_training_steps=1000)   # a\n"
        "      get_scheduler name; other keywords are its scheduler_specific_kwargs\n"
    )


def _list(args: argparse.Namespace) -> int:
    from lrcore._cli_show import listing

    print(listing())
    return 0


def _show(args: argparse.Namespace) -> int:
    from lrcore._cli_config import load_all
    from lrcore._cli_show import show

    (loaded,) = load_all([args.config], args.key)
    print(show(loaded, args.steps, args.base_lr))
    return 0


def _plot(args: argparse.Namespace) -> int:
    from lrcore._cli_plot import plot

    print(plot(args.configs, args.key, args.steps, args.base_lr, args.log, args.output))
    return 0


def _compare(args: argparse.Namespace) -> int:
    from lrcore._cli_config import load_all
    from lrcore._cli_show import compare

    a, b = load_all([args.a, args.b], args.key)
    text, equal = compare(a, b, args.steps, args.rtol, args.atol)
    print(text)
    return 0 if equal else 1


def _port(args: argparse.Namespace) -> int:
    from lrcore._cli_port import port

    print(port(args.source, args.base_lr, args.json))
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "list": _list,
    "show": _show,
    "plot": _plot,
    "compare": _compare,
    "port": _port,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``lrcore`` with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(argv)
    args, extra = parser.parse_known_args(argv)
    if extra:
        # argparse stops a nargs="+" positional at the first option: in
        # `plot A --key lr B -o f.png`, B is left over; it is one more CONFIG.
        unknown = [item for item in extra if item.startswith("-")]
        if args.command != "plot" or unknown:
            prog = f"lrcore {args.command}"
            print(
                f"{prog}: error: unrecognized arguments: {' '.join(unknown or extra)} "
                f"(see '{prog} --help')",
                file=sys.stderr,
            )
            return 2
        args.configs += extra
    prog = f"lrcore {args.command}"
    try:
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `lrcore list | head`: the reader left; say nothing more.
        _silence_stdout()
        return 1
    except Exception as error:
        if args.debug:
            raise
        return _report(prog, error)


def _report(prog: str, error: Exception) -> int:
    from lrcore._cli_config import CliError

    if isinstance(error, CliError):
        message = str(error)
    elif isinstance(error, (ValueError, TypeError, OSError)):
        message = f"{type(error).__name__}: {error}"
    else:
        message = f"internal error: {type(error).__name__}: {error} (--debug for the traceback)"
    print(f"{prog}: error: {' '.join(message.split())}", file=sys.stderr)
    return 2


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
