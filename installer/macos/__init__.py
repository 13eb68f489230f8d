"""macOS packaging: signing, the .dmg and notarisation of the PyInstaller .app bundle."""
