"""Packaging for TastyDesk: icons, PyInstaller build, and the per-OS installers.

``installer/build.py`` is the entry point (``make installer``). Nothing here is imported by the
application itself; the modules run at build time only.
"""
