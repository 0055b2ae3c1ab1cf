"""sidedeal: find and act on off-platform sales in a marketplace's messages and account graph."""

__version__ = "0.1.0"
