"""Marketplace of neighbours' help, paid in time-bank hours: listings, exchanges, messages."""
