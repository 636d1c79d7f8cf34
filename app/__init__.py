"""budgetqa's application rooms, over ingest/ (documents) and index/ (store and search):

    app/answer/   the answer engine: normalize → scope → plan (linking) → execute (figures, narrative)
                  → compose; the answer contract; the optional language model. Imports nothing from
                  staff/, web/ or cli/.
    app/staff/    tools for budget staff: the consistency audit and draft 情况说明 paragraphs. May use
                  app/answer (its linking and figures), never web/ or cli/.
    app/web/      the Gradio page, its staff tabs and the HTTP API: thin shells over answer/ and staff/.
    app/cli/      the budgetqa command, one module per command group: thin shells as well.
    settings.py, library.py   used by every room: settings from the environment; ingesting files.
"""
