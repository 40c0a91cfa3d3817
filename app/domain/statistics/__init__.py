"""Annual statistics and department appraisal (统计与考核), pure: facts in, figures out.

- facts.py: the records statistics are computed over;
- indicators.py: every indicator defined once (name, formula);
- settings.py: the profile's [statistics] and [appraisal] sections;
- compute.py / report.py: the computation; appraisal.py: scores and ranking.
"""

from app.domain.statistics.appraisal import AppraisalResult, ComponentScore
from app.domain.statistics.compute import Obligation, Rate, StatisticsScope, Value
from app.domain.statistics.facts import (
    AssignmentFact,
    CommunicationFact,
    ExtensionFact,
    FeedbackFact,
    FeedbackGiver,
    ItemFact,
    ReplyFact,
)
from app.domain.statistics.indicators import BY_CODE, DEPARTMENT_CODES, INDICATORS, SUMMARY_CODES, Indicator
from app.domain.statistics.report import StatisticsReport, build_report
from app.domain.statistics.settings import (
    AppraisalSettings,
    StatisticsSettings,
    appraisal_settings,
    statistics_settings,
)

__all__ = [
    "BY_CODE",
    "DEPARTMENT_CODES",
    "INDICATORS",
    "SUMMARY_CODES",
    "AppraisalResult",
    "AppraisalSettings",
    "AssignmentFact",
    "CommunicationFact",
    "ComponentScore",
    "ExtensionFact",
    "FeedbackFact",
    "FeedbackGiver",
    "Indicator",
    "ItemFact",
    "Obligation",
    "Rate",
    "ReplyFact",
    "StatisticsReport",
    "StatisticsScope",
    "StatisticsSettings",
    "Value",
    "appraisal_settings",
    "build_report",
    "statistics_settings",
]
