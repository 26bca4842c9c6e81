"""Shared mechanisms with no domain knowledge (docs/architecture.md, "One application, in layers")."""
