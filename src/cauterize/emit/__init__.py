"""Writers from canonical events back into platform formats (the adapters' inverse).

Used by the simulator to produce streams in the shapes platforms emit, and by tests to check
that each adapter round-trips. One module per format.
"""
