"""One router per API area; each parses, calls :mod:`sidedeal.casework`, and presents."""
