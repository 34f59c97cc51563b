"""A seeded, synthetic platform: ordinary users, extremist networks that come back after every
suspension, the people who watch them, and the platform's enforcement.

Used to measure cauterize, never imported by it. ``config`` holds the world's parameters,
``names`` the handle generators and evasion techniques, ``text`` the synthetic templates,
``world`` the mutable state, ``generator`` the windowed event stream, and ``run`` writes a
stream and its ground truth to disk. See docs/simulation.md.
"""

from cauterize.sim.config import WorldConfig, load_scenario
from cauterize.sim.generator import Simulation
from cauterize.sim.run import SimResult, simulate

__all__ = ["SimResult", "Simulation", "WorldConfig", "load_scenario", "simulate"]
