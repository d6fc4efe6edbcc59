"""The web app (ASGI, Starlette, served by uvicorn): the calendar feeds and their subscribe page.

`app.create_app` assembles it from one module of routes per area (`feeds` today); `serve.serve`
runs it. This package stands above the services: it may import them, never `govflow.cli`.
"""
