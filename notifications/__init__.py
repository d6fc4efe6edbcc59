"""Reminder messages: their templates, the outbox they wait in, and the apprise sender."""
