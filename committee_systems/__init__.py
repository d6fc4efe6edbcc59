"""The councils' committee systems and calendars: fetching what they publish (ModernGov's web
service, CMIS month calendars, .ics files) and reading it into meetings (a `SourceReading`).
Everything here treats the response as hostile: capped in size and time, XML without a DTD."""
