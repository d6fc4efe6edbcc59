"""The use cases: each module does one thing the CLI, the flows and the web app ask for, through a
unit of work handed to it (SQL, or the in-memory fake in tests), with the time passed in."""
