"""Outputs of a run: KPIs and their definitions, intervals, the growth test, tables, run folders
and the stamp every output carries."""
