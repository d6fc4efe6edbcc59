"""`python -m govflow` runs the command line."""
from govflow.cli import main

main()
