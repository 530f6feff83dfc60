"""Sub-commands that live in their own modules; each exposes ``register(group)``."""
