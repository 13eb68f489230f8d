"""TastyDesk: a desktop trading terminal for Tastytrade accounts."""

__version__ = "0.1.0"
APP_NAME = "TastyDesk"
