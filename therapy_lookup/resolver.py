"""Diagnosis resolver (stub; being written)."""
