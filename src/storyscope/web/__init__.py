"""`storyscope serve`: pages and a JSON API over one store (see app.py)."""

from .app import WebConfig, create_app

__all__ = ["WebConfig", "create_app"]
