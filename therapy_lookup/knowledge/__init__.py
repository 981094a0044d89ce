"""Knowledge: the curated tables, cancer types, therapies and their models (never the network)."""
