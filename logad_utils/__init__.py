"""logad: log analysis and anomaly detection.

Modules: ``io`` (reading), ``formats`` (line layouts), ``masking`` (variables),
``templates`` (Drain3 mining), ``datasets`` (labelled sample logs), ``cli``.
Heavy dependencies (torch, tensorflow) load only in the modules that need them.
"""
__version__ = "0.1.0"
