"""The Discord adapter: the only part of studybot that imports discord.py."""
