"""Generated documents (Excel workbooks) built from domain results; no database access here."""
