"""One actor, many platforms: links an account on one platform to a suspended account on another.

See docs/cross-platform.md. Pure code: nothing here reads an input format, the store or the web.
"""
