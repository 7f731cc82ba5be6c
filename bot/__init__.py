"""studybot: sourced answers, quizzes and practice for study groups, from a YAML knowledge pack."""

__version__ = "0.1.0"
