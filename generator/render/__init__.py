"""Renderers: each turns models into one output format."""
