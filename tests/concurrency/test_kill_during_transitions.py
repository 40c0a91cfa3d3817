"""kill -9 of the server while transitions are being written (issue 10): afterwards every state is
explained by the audit log (`jianti workflow verify`), the schema is whole (`jianti db check`), and
no transition is half applied: an assignment moved exactly when its audit row exists."""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
from sqlalchemy import func, select

from app.cli.main import main
from app.db.engine import session_scope
from app.db.models import Assignment, AuditEntry
from app.services import accounts, similarity
from app.services.actor import Actor
from app.services.workflow import actions
from tests.live_server import Server, server_env
from tests.workflow.factory import new_item

ASSIGNMENTS = 60


def test_kill_9_mid_transitions_leaves_nothing_half_done(clean_db, database_url, make_user, tmp_path, capsys):
    office = make_user("office_admin").actor
    handler = make_user("dept_handler", "jtw")
    with session_scope(clean_db) as session:
        ids = []
        for _ in range(ASSIGNMENTS):
            item = new_item(session)
            actions.assign(session, office, item.id, [("jtw", "lead")])
            session.flush()
            ids.append(session.scalar(select(Assignment.id).where(Assignment.item_id == item.id)))
        # as an import would have (the factory does not index): `db check` at the end also checks the index
        similarity.index_items(session, session.scalars(select(Assignment.item_id).where(Assignment.id.in_(ids))))
        token = accounts.issue_token(session, Actor.system(), handler.username)
        before = dict(session.execute(select(Assignment.id, Assignment.state).where(Assignment.id.in_(ids))).all())

    server = Server(server_env(database_url), tmp_path / "server.log", workers=1)
    server.wait()
    statuses: list[int] = []

    def sign_for(chunk: list[int]) -> None:
        with httpx.Client(base_url=server.base, timeout=10, headers={"Authorization": f"Bearer {token}"}) as client:
            for assignment_id in chunk:
                try:
                    statuses.append(client.post(f"/api/assignments/{assignment_id}/sign-for", json={}).status_code)
                except httpx.HTTPError:
                    statuses.append(0)  # the server died under this request

    threads = [threading.Thread(target=sign_for, args=(ids[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    while len(statuses) < ASSIGNMENTS // 4:  # some transitions are through, many are still coming
        time.sleep(0.01)
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(10)
    for thread in threads:
        thread.join(60)

    assert 0 in statuses, "the kill came too late to interrupt anything"
    with session_scope(clean_db) as session:
        for assignment_id in ids:
            state = session.scalar(select(Assignment.state).where(Assignment.id == assignment_id))
            signed = session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.entity == "assignment",
                    AuditEntry.entity_id == assignment_id,
                    AuditEntry.action == "sign_for",
                )
            )
            assert (state != before[assignment_id]) == (signed == 1), (assignment_id, state, signed)
    # the commands run here, not in processes of their own: what they judge is the database the kill left
    capsys.readouterr()
    for command in (["workflow", "verify"], ["db", "check"]):
        code = main(command)
        output = capsys.readouterr()
        assert code == 0, (command, output.out + output.err)
