"""The govflow application: settings, the command line, and the wiring that builds engines and hands
them to the services."""
