"""The desktop shell: paths, logging, the server thread, the window and the process lifecycle.

It knows the embedded Django site only through embedded_site/desktop.py.
"""
