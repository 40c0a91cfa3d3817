"""ASGI entry point for uvicorn: `app.web.asgi:app`."""

from app.web.app import create_app

app = create_app()
