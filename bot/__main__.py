"""`python -m bot` does what the `studybot` command does."""

from bot.cli import main

raise SystemExit(main())
