"""Annual statistics use-cases: load facts from the database, compute, export (统计与考核)."""

from app.services.stats.export import StatisticsQuery, export_workbook, parse_kind, statistics_report
from app.services.stats.facts import load_facts
from app.services.stats.publications import record_publication

__all__ = ["StatisticsQuery", "export_workbook", "load_facts", "parse_kind", "record_publication", "statistics_report"]
