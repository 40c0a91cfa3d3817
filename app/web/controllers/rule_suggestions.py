"""Rules suggested by the office's overrides: the page (/routing/suggestions) and its JSON API.

Office only; nothing here changes the rules (the office appends a snippet to the rule file and
runs `jianti rules load`)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from app.domain.text import N_
from app.i18n import _
from app.services.errors import Problem, ValidationFailed
from app.services.routing import rule_suggestions
from app.services.routing.rulesets import current_profile
from app.services.routing.text import department_label
from app.web.deps import DbSession
from app.web.guards import office_only

VERDICT_LABELS = {
    "agrees": N_("agrees with the office's decision"),
    "disagrees": N_("newly disagrees with the office's decision"),
    "undecided": N_("not decided by the office yet"),
    "other": N_("differs from the office's decision before and after"),
}


def _bounds(min_support: int | None, min_confidence: float | None) -> tuple[int, float]:
    """Defaults, or the values given; out-of-range values are refused by the service."""
    support = 3 if min_support is None else min_support
    confidence = 0.6 if min_confidence is None else min_confidence
    if confidence != confidence:  # NaN
        raise ValidationFailed(_("Nothing to suggest."), [Problem("min_confidence", _("a number from 0.5 to 1"))])
    return support, confidence


class RuleSuggestionPages(Controller):
    path = "/routing/suggestions"
    include_in_schema = False
    guards = [office_only]

    @get("/", sync_to_thread=True)
    def index(
        self,
        request: Request,
        db_session: DbSession,
        min_support: FromQuery[int | None] = None,
        min_confidence: FromQuery[float | None] = None,
    ) -> Template:
        support, confidence = _bounds(min_support, min_confidence)
        report = rule_suggestions.suggest_rules(
            db_session, request.user, min_support=support, min_confidence=confidence
        )
        profile = current_profile()
        return Template(
            "routing/suggestions.html",
            context={
                "report": report,
                "min_support": support,
                "min_confidence": confidence,
                "dept": lambda code: department_label(profile, code),
                "VERDICTS": rule_suggestions.VERDICTS,
                "VERDICT_LABELS": VERDICT_LABELS,
            },
        )


@dataclass
class PatternItemOut:
    item_id: int
    session: str
    number: str
    title: str
    rules_lead: str | None
    office_lead: str | None
    reason: str | None


@dataclass
class EffectItemOut:
    item_id: int
    session: str
    number: str
    title: str
    old_lead: str | None
    new_lead: str | None
    office_lead: str | None
    verdict: str  # agrees | disagrees | undecided | other


@dataclass
class EffectOut:
    compared: int  # past items routed with the active rules and with the rules plus the snippet
    changed: int
    agrees: int
    disagrees: int
    undecided: int
    other: int
    items: list[EffectItemOut]


@dataclass
class RuleSuggestionOut:
    from_lead: str | None  # department code the active rules give (None: no rule matched)
    to_lead: str | None  # department code the office chose (None when to_named_district)
    to_named_district: bool  # the office chose the district the title names
    keyword: str
    support: int
    confidence: float
    items: list[PatternItemOut]
    counter_items: list[PatternItemOut]
    snippet: str  # rules in the routing-file format, to append to rules/<profile>/routing.toml
    effect: EffectOut


@dataclass
class RuleSuggestionsOut:
    rule_set: str
    decided: int
    overrides: int
    suggestions: list[RuleSuggestionOut]


def _items(rows: list[rule_suggestions.PatternItem]) -> list[PatternItemOut]:
    return [
        PatternItemOut(r.item_id, r.session_label, r.number, r.title, r.rules_lead, r.office_lead, r.reason)
        for r in rows
    ]


def _suggestion_out(s: rule_suggestions.Suggestion) -> RuleSuggestionOut:
    effect = EffectOut(
        compared=s.compared,
        changed=len(s.effect),
        agrees=s.count("agrees"),
        disagrees=s.count("disagrees"),
        undecided=s.count("undecided"),
        other=s.count("other"),
        items=[
            EffectItemOut(
                e.line.item_id,
                e.line.session_label,
                e.line.number,
                e.line.title,
                e.line.old.lead,
                e.line.new.lead,
                e.office_lead,
                e.verdict,
            )
            for e in s.effect
        ],
    )
    return RuleSuggestionOut(
        from_lead=s.pattern.from_lead,
        to_lead=s.pattern.to_lead,
        to_named_district=s.pattern.to_named_district,
        keyword=s.pattern.keyword,
        support=len(s.pattern.support),
        confidence=round(s.pattern.confidence, 3),
        items=_items(s.items),
        counter_items=_items(s.counter_items),
        snippet=s.snippet,
        effect=effect,
    )


class RuleSuggestionApi(Controller):
    path = "/api/routing/suggestions"
    tags = ["routing"]
    guards = [office_only]

    @get(
        "/", summary="Routing rules suggested by the office's overrides, with their dry-run effect", sync_to_thread=True
    )
    def suggestions(
        self,
        request: Request,
        db_session: DbSession,
        min_support: FromQuery[int | None] = None,
        min_confidence: FromQuery[float | None] = None,
    ) -> RuleSuggestionsOut:
        """Errors: 403 not office, 422 min_support outside 2..100 or min_confidence outside 0.5..1."""
        support, confidence = _bounds(min_support, min_confidence)
        report = rule_suggestions.suggest_rules(
            db_session, request.user, min_support=support, min_confidence=confidence
        )
        return RuleSuggestionsOut(
            report.rule_set_hash, report.decided, report.overrides, [_suggestion_out(s) for s in report.suggestions]
        )


route_handlers = [RuleSuggestionPages, RuleSuggestionApi]
