"""The check stage: cross-references between documents, placeholders in templates, a school profile
against the templates it adopts.
"""
