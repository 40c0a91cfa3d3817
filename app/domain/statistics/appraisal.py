"""Department appraisal (考核): weighted rates, penalties, ranking — every step kept visible."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.statistics.compute import Rate, Value
from app.domain.statistics.settings import AppraisalSettings
from app.domain.text import N_


@dataclass(frozen=True)
class ComponentScore:
    indicator: str
    weight: float
    rate: Rate
    points: float | None  # None: the rate has no denominator and the rule is "reweight"
    note: str  # "" | "reweighted" | "missing: zero" | "missing: full"


@dataclass(frozen=True)
class AppraisalResult:
    department: str
    components: tuple[ComponentScore, ...]
    late_replies: int  # late + overdue obligations, each costing the penalty
    penalty: float
    score: float | None
    rank: int | None
    unranked_reason: str | None  # English msgid when not ranked

    @property
    def ranked(self) -> bool:
        return self.rank is not None


NO_OBLIGATIONS = N_("Too few reply obligations to be ranked")
NO_COMPONENTS = N_("No appraisal indicator can be computed")
DEPARTMENT_VIEW = N_("Ranks are given only among all departments, in the office's view")
REASONS_ZH = {
    NO_OBLIGATIONS: "应答复件次不足，不参加排名",
    NO_COMPONENTS: "无可计算的考核指标",
    DEPARTMENT_VIEW: "排名仅在全部单位范围内给出（办公室视图）",
}


def _rate(values: Mapping[str, Value], code: str) -> Rate:
    value = values[code]
    if not isinstance(value, Rate):
        raise TypeError(f"appraisal indicator {code!r} is a count, not a rate")
    return value


def _count(values: Mapping[str, Value], code: str) -> int:
    value = values[code]
    if isinstance(value, Rate):
        raise TypeError(f"{code!r} is a rate, not a count")
    return value


def appraise_department(department: str, values: Mapping[str, Value], settings: AppraisalSettings) -> AppraisalResult:
    rates = {c.indicator: _rate(values, c.indicator) for c in settings.components}
    available_weight = sum(c.weight for c in settings.components if rates[c.indicator].denominator)
    scale = settings.total_weight / available_weight if available_weight else 0.0
    components = []
    for c in settings.components:
        rate = rates[c.indicator]
        if rate.denominator:
            share = rate.numerator / rate.denominator  # rate.value, known not None here
            if settings.missing_component == "reweight" and scale != 1.0:
                components.append(ComponentScore(c.indicator, c.weight, rate, c.weight * share * scale, "reweighted"))
            else:
                components.append(ComponentScore(c.indicator, c.weight, rate, c.weight * share, ""))
        elif settings.missing_component == "zero":
            components.append(ComponentScore(c.indicator, c.weight, rate, 0.0, "missing: zero"))
        elif settings.missing_component == "full":
            components.append(ComponentScore(c.indicator, c.weight, rate, c.weight, "missing: full"))
        else:
            components.append(ComponentScore(c.indicator, c.weight, rate, None, ""))

    late = _count(values, "replied_late") + _count(values, "overdue_unreplied")
    penalty = late * settings.penalty_per_late_reply
    computable = settings.missing_component != "reweight" or available_weight > 0
    score = None
    if computable:
        score = round(max(0.0, sum(cs.points or 0.0 for cs in components) - penalty), 2)
    reason = None
    if _count(values, "reply_obligations") < settings.min_reply_obligations:
        reason = NO_OBLIGATIONS
    elif score is None:
        reason = NO_COMPONENTS
    return AppraisalResult(department, tuple(components), late, penalty, score, None, reason)


def rank(results: Sequence[AppraisalResult]) -> list[AppraisalResult]:
    """Ranked departments first by score (ties share a rank: 1, 2, 2, 4), then the unranked in input order."""
    ranked = sorted((r for r in results if r.unranked_reason is None), key=lambda r: -(r.score or 0.0))
    out: list[AppraisalResult] = []
    previous_score, previous_rank = None, 0
    for position, result in enumerate(ranked, start=1):
        place = previous_rank if result.score == previous_score else position
        out.append(_with_rank(result, place))
        previous_score, previous_rank = result.score, place
    out.extend(r for r in results if r.unranked_reason is not None)
    return out


def unranked(results: Sequence[AppraisalResult], reason: str) -> list[AppraisalResult]:
    """A view of one department: its score and components, no rank (there is nothing to rank it against)."""
    return [
        AppraisalResult(
            r.department, r.components, r.late_replies, r.penalty, r.score, None, r.unranked_reason or reason
        )
        for r in results
    ]


def _with_rank(result: AppraisalResult, place: int) -> AppraisalResult:
    return AppraisalResult(
        result.department, result.components, result.late_replies, result.penalty, result.score, place, None
    )
