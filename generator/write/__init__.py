"""The write stage: bytes onto disk, atomically; the content-addressed cache; the JSON schemas."""
