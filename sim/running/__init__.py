"""Running replications: the one run path, its backends and workers, progress, checkpoints and
estimates of the work ahead."""
