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
from propintel.kit.i18n import N_, _

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


@dataclass(frozen=True)
class ImageRules:
    """What an upload is checked for and how a refusal reads (``field``: the form field)."""

    field: str
    max_side: int
    refused: str  # message ids, translated when raised
    too_large: str  # with {size} in KB
    missing: str


LOGO: Final = ImageRules(
    field=FIELD,
    max_side=MAX_SIDE,
    refused=N_("The logo must be a PNG, JPEG or WebP image (this file is not one, or is damaged)."),
    too_large=N_("The logo is too large: at most {size} KB."),
    missing=N_("Choose an image file to upload."),
)
PHOTO: Final = ImageRules(
    field="photos",
    max_side=1600,
    refused=N_(
        "“{name}” is not a PNG, JPEG or WebP photo (or it is damaged): choose a photo from your "
        "camera or phone."
    ),
    too_large=N_("“{name}” is too large: at most {size} KB a photo."),
    missing=N_("Choose a photo to upload."),
)


def checked_logo(data: bytes, max_bytes: int) -> CheckedImage:
    """The logo re-encoded, or ``Invalid`` (field ``logo``) saying why not."""
    return checked_image(data, max_bytes, LOGO)


def checked_image(data: bytes, max_bytes: int, rules: ImageRules, name: str = "") -> CheckedImage:
    """The image re-encoded (at most ``rules.max_side`` a side, no metadata), or ``Invalid``
    saying why not (``name``: the user's file name, for the message)."""
    if not data:
        raise Invalid(_(rules.missing), field=rules.field)
    if len(data) > max_bytes:
        message = _(rules.too_large).format(size=max_bytes // 1024, name=name)
        raise Invalid(message, field=rules.field)
    refused = Invalid(_(rules.refused).format(name=name), field=rules.field)
    try:
        with Image.open(BytesIO(data), formats=list(FORMATS)) as probe:
            kind = str(probe.format)
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid(_("The image has too many pixels."), field=rules.field)
            probe.verify()  # structure and checksums, without decoding
        with Image.open(BytesIO(data), formats=[kind]) as image:
            image.load()  # decodes every pixel: a truncated file fails here
            upright: Image.Image = ImageOps.exif_transpose(image)
            upright.thumbnail((rules.max_side, rules.max_side))
            return _encoded(upright, kind)
    except Invalid:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
        raise refused from error
    except (ValueError, TypeError, EOFError, IndexError) as error:  # decoders' other failures
        raise refused from error


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
