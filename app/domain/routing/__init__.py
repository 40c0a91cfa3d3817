"""Routing of items to handling departments: rule files, keyword facts, decisions, suggestions."""
