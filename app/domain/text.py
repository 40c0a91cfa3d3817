"""Marks English msgids for extraction without translating them here (the domain stays free of i18n)."""


def N_(message: str) -> str:
    return message
