"""Helpers for the Streamlit planner app (``app.py``): texts, inputs, charts, reports, caching.

All model logic lives in ``sim``; this package only turns widget values into a scenario, calls
the public API (docs/API.md) and presents what comes back.
"""
