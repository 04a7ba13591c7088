"""Sources of news -> RawDoc records (or a per-item rejection), streamed one at a time."""

from .files import Rejected, iter_inputs

__all__ = ["Rejected", "iter_inputs"]
