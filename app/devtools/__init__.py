"""Developer tools: checks and helpers for the people who build Jianti, not used at run time."""
