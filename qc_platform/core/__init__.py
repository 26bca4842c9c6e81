"""Shared mechanisms with no domain knowledge (see DESIGN.md, "Architecture")."""
