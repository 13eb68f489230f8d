"""Wiring of each dock's widget to the services: signals in, user actions out.

The widgets in ``desktop.ui.docks`` know nothing about services; each ``bind_*`` function here
builds one, connects it to the :class:`~desktop.ui.context.UiContext` and registers its
smoke-test readiness checks.
"""
