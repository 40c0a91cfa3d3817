"""Documents Jianti produces for people outside it (reply letters)."""
