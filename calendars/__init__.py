"""iCalendar feeds: model in, bytes out; the Europe/London VTIMEZONE; the feed server."""
