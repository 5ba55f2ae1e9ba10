"""The web interface and JSON API: ``create_app(db_path)`` returns the FastAPI app."""

from newsdesk.web.app import create_app

__all__ = ["create_app"]
