"""reglab: the tested helper package of the course book on regularization in deep learning."""

__all__ = ["__version__"]

__version__ = "0.1.0"
