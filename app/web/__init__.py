"""The web: the Gradio page (page.py), its staff tabs (staff.py) and the HTTP API (api.py). Thin
shells over app.answer and app.staff: no answering or auditing logic lives here.
"""
