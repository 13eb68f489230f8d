"""Dialogs: sign-in."""
