"""iCalendar feeds: model in, bytes out; the Europe/London VTIMEZONE; the feed server. Publishing them
from the database is a use case: govflow.services.feed_publishing."""
