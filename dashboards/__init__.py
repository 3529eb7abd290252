"""Role dashboards (Streamlit) over the serving file: executive, operational and tactical views.

`make dashboard` (or `streamlit run dashboards/app.py`) starts them; `data` holds every query.
"""
