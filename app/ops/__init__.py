"""Running Jianti for real: health, request logs, background jobs, backup and restore."""
