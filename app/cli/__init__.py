"""The `jianti` command line. Every module here contributes module-level `commands`."""
