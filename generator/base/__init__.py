"""Stage 0: what every stage may use and that knows nothing of documents: the build clock, fonts,
Chinese numbering, site URLs, file names in messages.
"""
