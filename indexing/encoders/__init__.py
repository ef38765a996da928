"""Encoders: the protocol and the test encoder here; the real ones load their models lazily."""

from indexing.encoders.base import Encoder, HashingEncoder, Vectors, normalise

__all__ = ["Encoder", "HashingEncoder", "Vectors", "normalise"]
