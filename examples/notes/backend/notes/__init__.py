"""Notes: the example three-tier application deployed by tierlift.

WSGI entry point: ``notes.app:app``. Release command: ``python -m notes.migrate``.
"""
