"""``python -m lrcore``: the ``lrcore`` command (see :mod:`lrcore.cli`)."""

from lrcore.cli import main

if __name__ == "__main__":  # not when imported (pytest --doctest-modules imports every module)
    raise SystemExit(main())
