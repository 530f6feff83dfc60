"""Word: the GB/T 9704 document writer (python-docx and lxml) and deterministic zips."""
