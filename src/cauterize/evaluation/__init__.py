"""Scoring a pipeline's decisions against a simulated world's ground truth.

``truth`` reads and writes the ground-truth file, ``decisions`` reads the pipeline's exported
decisions and signals, ``followers`` rebuilds follower counts from an event stream, ``metrics``
computes the figures and ``report`` renders them. Nothing here imports the simulator: the
simulator writes the truth through :mod:`cauterize.evaluation.truth`, not the reverse.
"""
