"""`jianti rules check|explain|diff|load` and `jianti route`."""

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.cli.main import jianti, main
from app.db.engine import session_scope
from app.db.models.routing import RoutingRecord
from tests.routing.services.factories import SESSION_LABEL, make_session


@pytest.fixture
def run(clean_db):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(jianti, list(args), catch_exceptions=False, standalone_mode=False)

    return invoke


@pytest.fixture
def seeded(clean_db):
    with session_scope(clean_db) as session:
        make_session(session)
    return clean_db


def test_check_accepts_the_shipped_rules(run):
    result = run("rules", "check")
    assert result.output.startswith("ok: rules/beijing/routing.toml:") and "content hash" in result.output
    assert "rules/beijing/places.toml: 696 places in 16 districts" in result.output


def test_check_refuses_a_broken_gazetteer_beside_the_rules(tmp_path, capsys):
    (tmp_path / "routing.toml").write_text(
        "[[rule]]\nname='停车'\npriority=600\nwhen.keywords.any=['停车']\nthen.lead='市交通委'\n", encoding="utf-8"
    )
    (tmp_path / "places.toml").write_text(
        "[[district]]\ndepartment='朝阳区'\ntowns=['来广营']\n[[district]]\ndepartment='海淀区'\ntowns=['来广营']\n",
        encoding="utf-8",
    )
    assert main(["rules", "check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "places.toml: district #2 '海淀区' towns: '来广营' is also listed under district #1 '朝阳区' towns" in err


def test_check_refuses_a_broken_file_naming_file_rule_and_problem(tmp_path, capsys):
    (tmp_path / "routing.toml").write_text(
        "[[rule]]\nname='停车'\npriority=99999\nwhen.keywords.any=['停车']\nthen.lead='市停车办'\n", encoding="utf-8"
    )
    assert main(["rules", "check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "routing.toml: rule #1 '停车': bad priority 99999" in err
    assert "unknown department '市停车办'" in err


def test_explain_prints_matching_rules_and_the_decision(run):
    result = run(
        "rules",
        "explain",
        "--title",
        "关于解决石景山区八宝山街道远洋山水小区停车难问题的建议",
        "--kind",
        "npc_suggestion",
    )
    assert "* 地点：石景山区 [1000] → 石景山区" in result.output
    assert "- 停车 [600] → 市交通委" in result.output
    assert "协办 市交通委" in result.output
    assert "“停车”" in result.output
    assert "“八宝山街道”" in result.output  # the place and its gazetteer entry are reasons too


def test_explain_json(run):
    result = run("rules", "explain", "--title", "关于加快老旧小区加装电梯的建议", "--json")
    data = json.loads(result.output)
    assert data["lead"] == "zjw" and len(data["rule_set"]) == 64


def test_route_dry_run_then_for_real(run, seeded):
    dry = run("route", "--session", SESSION_LABEL, "--dry-run")
    assert "would route 5 items" in dry.output
    with session_scope(seeded) as session:
        assert session.scalar(select(RoutingRecord.id)) is None
    real = run("route", "--session", SESSION_LABEL, "--json")
    data = json.loads(real.output)
    assert {i["action"] for i in data["items"]} == {"routed"}
    assert next(i for i in data["items"] if i["number"] == "0001")["proposal"]["lead"] == "jtw"
    with session_scope(seeded) as session:
        assert len(session.scalars(select(RoutingRecord)).all()) == 5


def test_diff_lists_changed_items(run, seeded, tmp_path):
    from app.rules import RULES_DIR

    text = (RULES_DIR / "beijing" / "routing.toml").read_text(encoding="utf-8")
    (tmp_path / "routing.toml").write_text(text.replace('"停车", "车位", "P+R"', '"车位", "P+R"'), encoding="utf-8")
    result = run("rules", "diff", str(tmp_path), "--session", SESSION_LABEL)
    assert "1 of 5 items change" in result.output
    assert "0001 关于解决老旧小区停车难问题的建议" in result.output


def test_load_makes_a_new_version(run, seeded, tmp_path):
    assert run("rules", "load").output.startswith("new version:")
    assert run("rules", "load").output.startswith("already active:")
