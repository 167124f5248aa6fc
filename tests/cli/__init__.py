"""Tests of the ``lrcore`` command, run as a user runs it: the installed console script."""
