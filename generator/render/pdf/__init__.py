"""PDF: Typst templates and their engine, the plan PDF, and stamping school names into laid-out forms.

"""
