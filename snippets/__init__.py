"""Code shown on the CNN Study Questions site.

Every page includes its code from these modules (pymdownx.snippets sections), and every
module has a test file of the same name under ``tests/``.
"""
