"""Product photos: checked with Pillow on upload, one thumbnail made once per photo."""

import io
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
THUMBNAIL = (480, 480)


def validate_photo(upload) -> None:
    """A JPEG, PNG or WebP photo of at most 10 MB and 40 megapixels; otherwise a form error."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("A photo may be at most 10 MB."), code="too_big")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG or WebP photo."), code="format")
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("A photo may be at most 40 megapixels."), code="pixels")
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not a readable photo."), code="unreadable") from None
    finally:
        upload.seek(0)


def thumbnail(source, name: str) -> tuple[ContentFile, int, int, tuple[int, int]]:
    """A WebP at most 480 px wide or high, turned upright (EXIF), metadata dropped; with
    the photo's own size."""
    source.open("rb")
    source.seek(0)
    with Image.open(source) as image:
        original = image.size
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMBNAIL)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        buffer = io.BytesIO()
        image.save(buffer, "WEBP", quality=80, method=4)
        width, height = image.size
    stem = os.path.splitext(os.path.basename(name))[0]
    return ContentFile(buffer.getvalue(), name=f"{stem}-thumb.webp"), width, height, original
