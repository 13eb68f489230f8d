"""Qt widgets: main window, docks, table models, charts, dialogs and theme."""
