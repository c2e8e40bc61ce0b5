"""Logo files checked by what they contain, never by their name or declared type: Pillow must
recognise a PNG, JPEG or WebP (no other decoder is even tried), decode it whole (a truncated file
fails) and within a pixel budget (no decompression bomb). What is stored is our own re-encoding:
at most ``MAX_SIDE`` pixels a side, without the file's metadata (camera, GPS)."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from propintel.kit.errors import Invalid
from propintel.kit.i18n import _

FORMATS: Final[dict[str, tuple[str, str]]] = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}
MAX_PIXELS: Final = 40_000_000  # decoded size bound: about 160 MB of RGBA at most
MAX_SIDE: Final = 1024
FIELD: Final = "logo"


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _refused() -> Invalid:
    return Invalid(
        _("The logo must be a PNG, JPEG or WebP image (this file is not one, or is damaged)."),
        field=FIELD,
    )


def checked_logo(data: bytes, max_bytes: int) -> CheckedImage:
    """The logo re-encoded, or ``Invalid`` (field ``logo``) saying why not."""
    if not data:
        raise Invalid(_("Choose an image file to upload."), field=FIELD)
    if len(data) > max_bytes:
        raise Invalid(
            _("The logo is too large: at most {size} KB.").format(size=max_bytes // 1024),
            field=FIELD,
        )
    try:
        with Image.open(BytesIO(data), formats=list(FORMATS)) as probe:
            kind = str(probe.format)
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid(_("The image has too many pixels."), field=FIELD)
            probe.verify()  # structure and checksums, without decoding
        with Image.open(BytesIO(data), formats=[kind]) as image:
            image.load()  # decodes every pixel: a truncated file fails here
            upright: Image.Image = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            return _encoded(upright, kind)
    except Invalid:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
        raise _refused() from error
    except (ValueError, TypeError, EOFError, IndexError) as error:  # decoders' other failures
        raise _refused() from error


def _encoded(image: Image.Image, kind: str) -> CheckedImage:
    content_type, extension = FORMATS[kind]
    out = BytesIO()
    if kind == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, optimize=True)
    elif kind == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(out, "WEBP", quality=90)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return CheckedImage(out.getvalue(), content_type, extension, image.width, image.height)
