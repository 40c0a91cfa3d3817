"""Jianti (建提): handling NPC suggestions and CPPCC proposals."""

from pathlib import Path

#: The checkout Jianti runs from: rules/, templates/, migrations/ and imports/ live here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
