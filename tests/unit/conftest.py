"""Unit tests: pure Python, no board."""
