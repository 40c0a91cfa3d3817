from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.rules.profiles import load_profile


@pytest.fixture(scope="session")
def beijing():
    return load_profile("beijing")


@pytest.fixture
def make_xlsx(tmp_path) -> Callable[..., Path]:
    """Write rows to a fresh .xlsx; `sheets` maps sheet name -> rows; merges: sheet -> ranges."""
    counter = iter(range(10_000))

    def make(
        rows: Sequence[Sequence[Any]] | None = None,
        *,
        sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
        merges: dict[str, list[str]] | None = None,
        name: str | None = None,
    ) -> Path:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for title, sheet_rows in (sheets or {"清单": rows or []}).items():
            sheet = workbook.create_sheet(title)
            for row in sheet_rows:
                sheet.append(list(row))
            for ref in (merges or {}).get(title, []):
                sheet.merge_cells(ref)
        path = tmp_path / (name or f"book{next(counter)}.xlsx")
        workbook.save(path)
        return path

    return make


@pytest.fixture(scope="session")
def beijing_profile():
    return load_profile("beijing")
