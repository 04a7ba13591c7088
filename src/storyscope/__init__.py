"""storyscope: group news articles that report the same event, and brief each story across sources.

The small public API; everything else is reachable through the stage packages.
"""

from .config import Config, build_config
from .errors import StoryscopeError
from .model import Article, Brief, Enrichment, RawDoc, Story

__version__ = "0.1.0"

__all__ = ["Article", "Brief", "Config", "Enrichment", "RawDoc", "Story", "StoryscopeError", "build_config", "__version__"]
