"""actlab: which activation function should a network use, and why."""

__version__ = "0.1.0"
