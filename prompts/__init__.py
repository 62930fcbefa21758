"""Prompt files (``*.md``) rendered by ``assistant.prompting``; no prompt text lives in Python."""
