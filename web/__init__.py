"""Thin HTTP layer: serves what the geo package produced."""
