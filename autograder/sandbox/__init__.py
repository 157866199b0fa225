"""Where student code runs: the isolation modes (modes), the limits and account switch
applied to the worker process (confine), and the transport to it (remote)."""
