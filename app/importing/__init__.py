"""Spreadsheet side of the import: safe workbook reading, the marked-up error copy, templates,
sample batches. The rules themselves live in app.domain.importing."""
