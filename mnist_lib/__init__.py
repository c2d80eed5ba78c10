"""Our own library behind the course scripts: what the notes do not have, one module per thing.

What each module holds: the table under "Layout" in the project's README.md. The library
imports no top-level script except the two forward modules. Nothing here runs at import.
"""
