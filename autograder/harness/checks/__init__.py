"""Checks tests use: array comparison, numerical gradients (shipped to students too)."""
