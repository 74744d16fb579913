"""What to say about a file that is not UTF-8: UTF-16 (Windows editors' "Unicode") is named
as such, anything else by the first byte that is not UTF-8."""

from __future__ import annotations

import codecs


def utf16_variant(raw: bytes) -> str | None:
    """"UTF-16 LE" / "UTF-16 BE" when ``raw`` is UTF-16 text (by its byte-order mark, or by
    the NUL byte beside every ASCII character that UTF-16 text without a mark has)."""
    if raw.startswith(codecs.BOM_UTF16_LE):
        return "UTF-16 LE"
    if raw.startswith(codecs.BOM_UTF16_BE):
        return "UTF-16 BE"
    sample = raw[:400]
    if len(sample) >= 8:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
            return "UTF-16 LE"
        if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
            return "UTF-16 BE"
    return None


def not_utf8(raw: bytes, error: UnicodeDecodeError, what: str = "file") -> tuple[int, str]:
    """(line, message) for ``raw`` that failed to decode as UTF-8 with ``error``."""
    variant = utf16_variant(raw)
    if variant:
        return 1, f"{what} is {variant}, not UTF-8; save it as UTF-8"
    line = raw.count(b"\n", 0, error.start) + 1
    return line, f"{what} is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); save it as UTF-8"


def decode_utf16(raw: bytes) -> str:
    """UTF-16 text (as utf16_variant found it) decoded, byte-order mark dropped."""
    codec = "utf-16-be" if utf16_variant(raw) == "UTF-16 BE" else "utf-16-le"
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if raw.startswith(bom):
            raw = raw[len(bom):]
    return raw.decode(codec, errors="replace")
