import csv
import json

from openpyxl import load_workbook

from app import PROJECT_ROOT
from app.domain.enums import ItemKind
from app.importing.export import ExportRow, export_items
from app.importing.reader import parse_file

SAMPLES = PROJECT_ROOT / "imports" / "samples"


def as_export_rows(records, profile, session):
    """What the export service builds from stored items, here straight from parsed records."""
    categories = {c.code: c.name for c in profile.categories}
    short = {d.code: d.short_name for d in profile.departments}
    return [
        ExportRow(
            kind=r.kind,
            session=session,
            number=r.number,
            title=r.title,
            lead_submitter=r.lead_submitter,
            state="registered",
            content=r.content,
            category=categories.get(r.category_code),
            submitter_type=r.submitter_type.value,
            co_signers=list(r.co_signers),
            submitter_count=r.submitter_count,
            delegation=r.delegation,
            sector=r.sector,
            party=r.party,
            during_session=r.during_session,
            agree_to_publish=r.agree_to_publish,
            submitted_on=r.submitted_on,
            key_supervision=r.key_supervision,
            intended_lead=[short[c] for c in r.intended_lead],
            intended_co=[short[c] for c in r.intended_co],
            intended_split=[short[c] for c in r.intended_split],
        )
        for r in records
    ]


def test_an_export_reads_back_to_the_same_records(beijing_profile, tmp_path):
    npc = parse_file(SAMPLES / "beijing_npc_2026.xlsx", ItemKind.NPC_SUGGESTION, beijing_profile).records
    cppcc = parse_file(SAMPLES / "beijing_cppcc_2026.xlsx", ItemKind.CPPCC_PROPOSAL, beijing_profile).records
    rows = as_export_rows(npc, beijing_profile, "市十六届人大四次会议") + as_export_rows(
        cppcc, beijing_profile, "市政协十四届四次会议"
    )
    path = tmp_path / "items.xlsx"
    assert export_items(rows, path) == 2000
    for kind, original in ((ItemKind.NPC_SUGGESTION, npc), (ItemKind.CPPCC_PROPOSAL, cppcc)):
        again = parse_file(path, kind, beijing_profile)
        assert again.ok, [str(p) for p in again.errors[:5]]
        assert {p.code for p in again.notes} == {"ignored_column", "other_kind_sheet"}
        assert [r.comparable() for r in again.records] == [r.comparable() for r in original]


def test_formula_injection_is_neutralised(beijing_profile, tmp_path):
    row = ExportRow(
        ItemKind.NPC_SUGGESTION,
        "会议",
        "0001",
        '=HYPERLINK("http://x","点我")',
        "@张三",
        "registered",
        co_signers=["+李四", "-王五"],
        submitter_count=3,
    )
    export_items([row], tmp_path / "x.xlsx")
    export_items([row], tmp_path / "x.csv")
    export_items([row], tmp_path / "x.json")
    sheet = load_workbook(tmp_path / "x.xlsx").active
    assert sheet["B2"].data_type == "s" and sheet["B2"].quotePrefix
    assert sheet["B2"].value == '=HYPERLINK("http://x","点我")'
    with (tmp_path / "x.csv").open(encoding="utf-8-sig") as fh:
        data = list(csv.reader(fh))[1]
    assert data[3] == '\'=HYPERLINK("http://x","点我")' and data[4] == "'@张三" and data[5] == "'+李四、-王五"
    assert json.loads((tmp_path / "x.json").read_text())[0]["title"].startswith("=")
    # the xlsx value imports back unchanged: no formula, no apostrophe
    record = parse_file(tmp_path / "x.xlsx", ItemKind.NPC_SUGGESTION, beijing_profile).records[0]
    assert record.title == '=HYPERLINK("http://x","点我")'
