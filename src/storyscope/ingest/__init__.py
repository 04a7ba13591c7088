"""Sources of news -> RawDoc records (or a per-item rejection), streamed one at a time."""

from .files import iter_inputs
from .records import Rejected

__all__ = ["Rejected", "iter_inputs"]
