"""HTTP: the Litestar app, pages (Jinja2) and the JSON API. Handlers are thin; services do the work."""
