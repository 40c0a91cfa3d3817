from app.domain.enums import ItemKind
from app.domain.importing.plan import plan_import
from app.domain.importing.records import ImportRecord


def record(number, title="关于…的建议", **extra):
    return ImportRecord(ItemKind.NPC_SUGGESTION, number, title, "张三", "S", 2, **extra)


def test_new_unchanged_and_changed():
    stored_same = record("0001").comparable()
    stored_old = record("0002", title="旧标题").comparable()
    plan = plan_import(
        [record("0001"), record("0002"), record("0003")],
        {"0001": (11, stored_same), "0002": (12, stored_old)},
    )
    assert plan.counts == {"new": 1, "unchanged": 1, "changed": 1, "locked": 0}
    change = plan.changed[0]
    assert (change.item_id, change.fields, change.before["title"]) == (12, ("title",), "旧标题")
    assert not plan.nothing_to_do


def test_order_of_intended_departments_does_not_count_as_a_change():
    stored = record("0001", intended_lead=("jtw", "gaj")).comparable()
    plan = plan_import([record("0001", intended_lead=("gaj", "jtw"))], {"0001": (1, stored)})
    assert plan.nothing_to_do and plan.counts["unchanged"] == 1


def test_co_signer_order_counts():
    stored = record("0001", co_signers=("李四", "王五")).comparable()
    plan = plan_import([record("0001", co_signers=("王五", "李四"))], {"0001": (1, stored)})
    assert plan.changed[0].fields == ("co_signers",)
