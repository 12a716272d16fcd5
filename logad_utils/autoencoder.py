"""Old import path of the autoencoder detector, kept so that existing code and saved models still load."""
from .detectors._autoencoder import AutoencoderDetector, SparseBatches, damp_counts, holdout_split

__all__ = ["AutoencoderDetector", "SparseBatches", "damp_counts", "holdout_split"]
