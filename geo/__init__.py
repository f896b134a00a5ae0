"""Chongqing Trade Atlas: load → validate → enrich → render the atlas layers (no web imports here)."""
