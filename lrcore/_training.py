"""Training-loop arithmetic: how many optimizer updates a schedule must span."""

from __future__ import annotations

from typing import Any

from lrcore import _config


def total_updates(
    num_examples: int, batch_size: int, accumulation_steps: int = 1, epochs: int = 1
) -> int:
    """The number of optimizer updates of a run: a schedule's ``total_steps``.

    ``int(num_examples / batch_size / accumulation_steps) * epochs``, exactly as the
    ``WarmupLinearSchedule`` recipe computes ``t_total``.  With gradient accumulation
    the scheduler must step once per optimizer update -- after ``optimizer.step()``,
    every ``accumulation_steps`` micro-batches -- not once per micro-batch, or the
    schedule would end after ``1 / accumulation_steps`` of the run.

    The count matches a loop that drops the last incomplete batch (``drop_last=True``)
    and updates after every full group of ``accumulation_steps`` batches, leaving any
    remainder out.  Otherwise count from the loader with :func:`updates_per_epoch`.

    >>> updates = total_updates(1000, batch_size=32, accumulation_steps=4, epochs=3)
    >>> updates  # int(1000 / 32 / 4) * 3
    21

    Then, in the loop::

        config = {"name": "warmup_linear", "warmup_steps": 2, "total_steps": updates}
        scheduler = lrcore_torch.to_torch(config, optimizer)
        for step, batch in enumerate(loader):  # every micro-batch (drop_last=True)
            (loss_fn(model, batch) / 4).backward()
            if (step + 1) % 4 == 0:  # every optimizer update
                optimizer.step()
                scheduler.step()  # once per update: the factor reaches 0 at the run's end
                optimizer.zero_grad()

    Raises ``TypeError`` for a non-integer argument and ``ValueError`` for
    ``num_examples < 0`` or any other argument ``< 1``, naming it and its value.
    """
    owner = "total_updates"
    num_examples = _config.integer(owner, "num_examples", num_examples, minimum=0)
    batch_size = _config.integer(owner, "batch_size", batch_size, minimum=1)
    accumulation_steps = _config.integer(owner, "accumulation_steps", accumulation_steps, minimum=1)
    epochs = _config.integer(owner, "epochs", epochs, minimum=1)
    return int(num_examples / batch_size / accumulation_steps) * epochs


def updates_per_epoch(num_batches: int, accumulation_steps: int = 1, round_up: bool = False) -> int:
    """The optimizer updates in one epoch of ``num_batches`` micro-batches.

    ``num_batches // accumulation_steps``: the loop updates after every full group of
    ``accumulation_steps`` micro-batches.  ``round_up=True`` counts one more update
    for a trailing partial group, for loops that also update after an epoch's last
    batch.  Pass ``len(loader)``, which counts an incomplete last batch unless the
    loader drops it; multiply by the number of epochs for a schedule's total.

    >>> updates_per_epoch(32, accumulation_steps=4), updates_per_epoch(31, 4, round_up=True)
    (8, 8)
    """
    owner = "updates_per_epoch"
    num_batches = _config.integer(owner, "num_batches", num_batches, minimum=0)
    accumulation_steps = _config.integer(owner, "accumulation_steps", accumulation_steps, minimum=1)
    _boolean(owner, "round_up", round_up)
    if round_up:
        return -(-num_batches // accumulation_steps)
    return num_batches // accumulation_steps


def _boolean(owner: str, field: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise TypeError(
            f"{owner}: {field} must be True or False, got {value!r} ({type(value).__name__})"
        )
