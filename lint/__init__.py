"""copydesk: an editorial quality linter for article files."""

__version__ = "0.1.0"
