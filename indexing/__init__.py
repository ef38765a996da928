"""Validate, store, embed and index a community's records (no FastAPI, no matcher imports)."""
