"""The import batches on the list mechanism: newest first, filters, sort, paging; the office only."""

from __future__ import annotations

import re

from app.db.engine import session_scope
from app.db.models.imports import ImportBatch
from tests.workflow.factory import npc_session


def _listed(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-testid="batch-row" data-batch="(\d+)"', html)]


def test_batches_newest_first_filtered_sorted_paged(login_as, clean_db):
    with session_scope(clean_db) as session:
        congress = npc_session(session)
        for n in range(25):
            session.add(
                ImportBatch(
                    file_name=f"交办清单{n:02d}.xlsx",
                    sha256="0" * 64,
                    size_bytes=1,
                    kind="npc_suggestion",
                    session_id=congress.id,
                    rows=n,
                    new_count=n,
                    created_by_name="王晓",
                )  # fmt: skip
            )
    client, _user = login_as("office_staff")
    first = _listed(client.get("/imports").text)
    assert len(first) == 20 and first == sorted(first, reverse=True)
    assert len(_listed(client.get("/imports", params={"page": 2}).text)) == 5
    assert len(_listed(client.get("/imports", params={"q": "清单07"}).text)) == 1
    assert _listed(client.get("/imports", params={"kind": "cppcc_proposal"}).text) == []
    by_new = _listed(client.get("/imports", params={"sort": "new", "dir": "asc", "per_page": 3}).text)
    assert by_new == sorted(by_new)
    assert client.get("/imports", params={"session": "市十六届人大四次会议"}).status_code == 200  # preselection
    assert client.get("/imports", params={"sort": "size"}).status_code == 400


def test_departments_see_no_batches(login_as, clean_db):
    client, _user = login_as("dept_handler", "jtw")
    assert client.get("/imports").status_code == 403
