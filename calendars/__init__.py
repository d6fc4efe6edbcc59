"""iCalendar feeds: model in, bytes out; the Europe/London VTIMEZONE; the published feed folder as a
web server sees it (manifest, conditional requests, subscribe page; served by govflow.web).
Publishing them from the database is a use case: govflow.services.feed_publishing."""
