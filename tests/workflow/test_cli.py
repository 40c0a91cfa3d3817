"""`jianti workflow verify` and `jianti workflow letter`."""

from __future__ import annotations

import io

from click.testing import CliRunner
from docx import Document
from sqlalchemy import text

from app.cli.workflow import workflow_group
from tests.workflow.scenario import handled_item


def test_verify_and_letter(db_session, actors, tmp_path):
    scenario = handled_item(db_session, actors)
    runner = CliRunner()
    result = runner.invoke(workflow_group, ["verify"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "letter.docx"
    result = runner.invoke(workflow_group, ["letter", str(scenario.reply_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert any("收悉" in p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs)

    # a state changed behind the services' back is caught
    db_session.execute(text("UPDATE assignments SET state = 'closed' WHERE id = :id"), {"id": scenario.lead_id})
    db_session.commit()
    result = runner.invoke(workflow_group, ["verify"])
    assert result.exit_code == 1
    assert f"assignment {scenario.lead_id}: the audit log leads to sent, the record says closed" in result.output
