"""Settings come from JIANTI_* variables only; the secret key is generated once and kept."""

from __future__ import annotations

import pytest

from app import settings as settings_module
from app.settings import SettingsError, load_settings


def test_defaults_use_sqlite_under_var(monkeypatch, tmp_path):
    monkeypatch.setattr(settings_module, "VAR_DIR", tmp_path)
    s = load_settings({})
    assert s.database_url == f"sqlite:///{tmp_path / 'jianti.db'}"
    assert s.profile == "beijing"
    assert s.data_dir.name == "files"


def test_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.setattr(settings_module, "VAR_DIR", tmp_path)
    first = load_settings({}).secret_key
    second = load_settings({}).secret_key
    assert first == second and len(first) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load_settings({"JIANTI_SECRET_KEY": "given"}).secret_key == "given"


def test_environment_values(monkeypatch, tmp_path):
    monkeypatch.setattr(settings_module, "VAR_DIR", tmp_path)
    s = load_settings(
        {
            "JIANTI_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "JIANTI_PROFILE": "shanghai",
            "JIANTI_DATA_DIR": str(tmp_path / "up"),
            "JIANTI_SESSION_HOURS": "2",
        }
    )
    assert (s.database_url, s.profile, s.data_dir, s.session_hours) == (
        "postgresql+psycopg://u@h/db",
        "shanghai",
        tmp_path / "up",
        2,
    )
    assert not s.is_sqlite


def test_bad_number_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setattr(settings_module, "VAR_DIR", tmp_path)
    with pytest.raises(SettingsError, match="JIANTI_SESSION_HOURS"):
        load_settings({"JIANTI_SESSION_HOURS": "eight"})


def test_only_the_settings_module_reads_the_environment():
    from pathlib import Path

    app_dir = Path(settings_module.__file__).parent
    readers = [p for p in app_dir.rglob("*.py") if "os.environ" in p.read_text() or "getenv" in p.read_text()]
    assert readers == [Path(settings_module.__file__)]
