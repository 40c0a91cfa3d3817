"""Readable explanations of routing decisions (translated; used by the CLI, the pages and the API)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.domain.profile import Profile
from app.i18n import _


def department_label(profile: Profile, code: str | None) -> str:
    if not code:
        return ""
    try:
        return profile.department(code).short_name
    except KeyError:
        return code


def departments_label(profile: Profile, codes: Iterable[str] | None) -> str:
    return "、".join(department_label(profile, c) for c in codes or ())


def category_label(profile: Profile, code: str) -> str:
    found = next((c for c in profile.categories if c.code == code), None)
    return found.name if found else code


def reason_text(profile: Profile, reason: Mapping[str, Any]) -> str:
    """One condition that held, e.g. 标题含“停车”."""
    test, values = reason["test"], list(reason["values"])
    words = "、".join(f"“{v}”" for v in values)
    if test == "kind":
        return _("kind is %(kind)s", kind="、".join(_(v) for v in values))
    if test == "category":
        return _("category is %(category)s", category="、".join(category_label(profile, v) for v in values))
    if test == "intended":
        return _("submitter proposed %(departments)s", departments=departments_label(profile, values))
    if test == "delegation":
        return _("delegation is %(value)s", value=words)
    if test == "sector":
        return _("sector is %(value)s", value=words)
    if test == "party":
        return _("party is %(value)s", value=words)
    if test == "place":
        return place_text(profile, values)
    if test == "place_tier":
        return place_tier_text(values)
    if test == "during_session":
        return _("submitted during the session") if values == ["yes"] else _("submitted between sessions")
    scope, _sep, kind = test.rpartition("_")
    place = {"title": _("title"), "content": _("content"), "text": _("title or content")}.get(scope, scope)
    if kind == "any":
        return _("%(place)s contains %(words)s", place=place, words=words)
    if kind == "all":
        return _("%(place)s contains all of %(words)s", place=place, words=words)
    return _("%(place)s contains none of %(words)s", place=place, words=words)


def place_kind_label(kind: str) -> str:
    labels = {
        "names": _("district name"),
        "streets": _("street or town"),
        "towns": _("town"),
        "landmarks": _("landmark"),
        "stations": _("station"),
        "parks": _("park"),
        "compounds": _("residential area"),
    }
    return labels.get(kind, kind)


def place_text(profile: Profile, values: list[str]) -> str:
    """A place found in the title, with its gazetteer entry: 标题含地名“莘庄地铁站”（闵行区 · 站点）."""
    name, kind, district = (values + ["", "", ""])[:3]
    return _(
        "title names the place “%(place)s” (gazetteer: %(district)s · %(kind)s)",
        place=name,
        district=department_label(profile, district),
        kind=place_kind_label(kind),
    )


def place_tier_text(values: list[str]) -> str:
    """Which place tier decided, and the words or rule that made it so."""
    tier, evidence = (values or [""])[0], "、".join(f"“{v}”" for v in values[1:])
    if tier == "local":
        text = _("local matter in one district: the district leads, the topic department co-handles")
        return f"{text} ({evidence})" if evidence else text
    if tier == "municipal":
        return _(
            "municipal-only topic (%(evidence)s): the topic department leads, the district co-handles",
            evidence=evidence,
        )
    if tier == "district_name":
        return _("only the district is named: the topic department leads, the district co-handles")
    return _("places in several districts: the topic department leads, the districts co-handle")


def why_lost_text(why: str) -> str:
    if why == "lower_priority":
        return _("lower priority")
    if why == "later_in_file":
        return _("same priority, written later in the file")
    return _("fallback rule, another rule matched")


def conflict_text(profile: Profile, conflict: Mapping[str, Any]) -> str:
    winner, other = conflict["rules"]
    if conflict["kind"] == "mode":
        winner_mode, other_mode = conflict["detail"][:2]
        return _(
            "rule %(other)s proposes %(other_mode)s while %(winner)s proposes %(mode)s",
            other=other,
            other_mode=_(other_mode),
            winner=winner,
            mode=_(winner_mode),
        )
    return _(
        "rules %(winner)s and %(other)s have the same priority but propose different departments (%(departments)s)",
        winner=winner,
        other=other,
        departments=departments_label(profile, conflict["detail"]),
    )


def explanation_lines(profile: Profile, proposal: Mapping[str, Any]) -> list[str]:
    """The whole explanation as lines of text (CLI)."""
    lines = []
    if proposal["status"] == "manual":
        lines.append(_("No rule matches: needs manual routing."))
        for s in proposal.get("suggestions", []):
            lines.append(
                "  "
                + _(
                    "suggestion: %(department)s (shared words: %(words)s)",
                    department=department_label(profile, s["department"]),
                    words="、".join(s["shared_terms"]),
                )
            )
        return lines
    lines.append(_("Proposal: %(summary)s", summary=summary(profile, proposal)))
    for match in proposal["matches"]:
        marker = "*" if match["rule"] == proposal["winner"] else "-"
        reasons = "; ".join(reason_text(profile, r) for r in match["reasons"])
        lines.append(
            f"  {marker} {match['rule']} [{match['priority']}] → {departments_label(profile, match['departments'])}: {reasons}"
        )
    for losing in proposal.get("losing", []):
        lines.append("  " + _("not chosen: %(rule)s (%(why)s)", rule=losing["rule"], why=why_lost_text(losing["why"])))
    for conflict in proposal.get("conflicts", []):
        lines.append("  ! " + conflict_text(profile, conflict))
    return lines


def summary(profile: Profile, choice: Mapping[str, Any]) -> str:
    """主办 X；协办 Y、Z — from a proposal or a record's choice (keys mode, lead, co, split, reference)."""
    mode = choice.get("mode")
    parts = []
    # the role words are looked up outside the f-strings, where Babel's extractor sees them
    if mode == "lead":
        parts.append(" ".join((_("lead"), department_label(profile, choice.get("lead")))))
    elif mode == "split":
        parts.append(" ".join((_("split"), departments_label(profile, choice.get("split")))))
    elif mode == "reference":
        parts.append(" ".join((_("reference"), departments_label(profile, choice.get("reference")))))
    if choice.get("co"):
        parts.append(" ".join((_("co"), departments_label(profile, choice.get("co")))))
    if choice.get("key_supervision"):
        parts.append(_("key supervision"))
    return "；".join(parts) if parts else _("needs manual routing")
