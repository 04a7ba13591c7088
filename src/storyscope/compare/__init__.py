"""Compare stage: align facts and quotes across a story's outlets and write its brief."""

from .brief import build_brief

__all__ = ["build_brief"]
