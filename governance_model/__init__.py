"""The governance domain: bodies, meetings, documents and their routes, action plans and dates.

Pure Python. Nothing here opens files, talks to a database, sends messages or reads the clock:
callers pass in `as_of` dates and identities, so every answer can be replayed for any day.
"""
