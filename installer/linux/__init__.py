"""Linux packaging: ELF dependency scan, the .deb, the desktop entry and the AppDir."""
