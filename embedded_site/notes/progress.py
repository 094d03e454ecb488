"""Long jobs (export, import) are generators of progress: a caller shows it, and cancels by
closing the generator. Run in a request, they simply run to the end."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

Step = TypeVar("Step")


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


def run_to_completion(steps: Iterator[Step]) -> Step:
    """Drive a progress generator to its end and return its last step (it always yields one)."""
    for step in steps:
        last = step
    return last
