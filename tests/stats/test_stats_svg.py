"""The page's inline SVG charts: well-formed, escaped, proportional."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.reports.svg_charts import horizontal_bars, pie

NS = "{http://www.w3.org/2000/svg}"


def test_bars_are_proportional_and_escaped():
    svg = horizontal_bars("件数 <b>", ["市交通委", "A&B"], [("主办", [4, 2]), ("协办", [1, None])])
    root = ET.fromstring(svg)
    assert root.find(f"{NS}title").text == "件数 <b>"
    bars = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    widths = {r.find(f"{NS}title").text: float(r.get("width")) for r in bars}
    assert widths["市交通委 · 主办: 4"] == 2 * widths["A&B · 主办: 2"]
    assert "A&B · 协办: 1" not in widths and len(bars) == 3


def test_percent_bars_scale_to_one():
    root = ET.fromstring(horizontal_bars("按期办复率", ["甲", "乙"], [("按期办复率", [1.0, 0.5])], percent=True))
    bars = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert float(bars[0].get("width")) == 2 * float(bars[1].get("width"))
    assert bars[1].find(f"{NS}title").text.endswith("50.0%")


def test_pie_slices_and_legend():
    root = ET.fromstring(pie("办理结果", [("A", 3), ("B", 1), ("C", 0)]))
    paths = list(root.iter(f"{NS}path"))
    assert [p.find(f"{NS}title").text for p in paths] == ["A: 3", "B: 1"]
    legend = [t.text for t in root.iter(f"{NS}text")][1:]
    assert legend == ["A：3（75.0%）", "B：1（25.0%）", "C：0（0.0%）"]
    assert ET.fromstring(pie("空", [])).find(f"{NS}circle") is not None
