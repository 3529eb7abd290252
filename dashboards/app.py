"""The KPI dashboards: `streamlit run dashboards/app.py` (or `make dashboard`).

Three views for three audiences (../shared/reference: the executive/operational/tactical
dashboards of the measurement framework, the executive scorecard of the monitoring framework):
- Executive: headline KPIs vs target with change and status colour, trends, active alerts.
- Operational: one tab per pillar (revenue, instructors, courses, students, campaigns, course
  success).
- Tactical: today's numbers vs the day before, data freshness and quality, issues needing attention.

Reads only the serving file (SERVING_PATH, default data/serving.duckdb), read-only, never the
working warehouse; every query is in dashboards/data.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboards/app.py` puts dashboards/ on sys.path; the views import the package.
PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import streamlit as st  # noqa: E402

from dashboards import ui  # noqa: E402

VIEWS = Path(__file__).resolve().parent / "views"

st.set_page_config(page_title="KPI dashboards", page_icon="📊", layout="wide")

pages = [
    # The default page is served at the root URL (/); the others at /operational and /tactical.
    st.Page(VIEWS / "executive.py", title="Executive", icon=":material/monitoring:", url_path="executive",
            default=True),
    st.Page(VIEWS / "operational.py", title="Operational", icon=":material/construction:", url_path="operational"),
    st.Page(VIEWS / "tactical.py", title="Tactical", icon=":material/schedule:", url_path="tactical"),
]
page = st.navigation(pages, position="sidebar", expanded=True)
ui.sidebar_filters()
st.sidebar.caption(f"Serving file: `{ui.serving_path()}`")
page.run()
