"""P&P planner web app (Streamlit). Start it with ``make app``; see docs/app.md.

The page code lives in ``webapp.page``; all model logic lives in ``sim``.
"""

from webapp.page import main

main()
