"""Report attachments: phone photos (JPEG, PNG, WebP) and PDFs up to 5 MB.

The type is read from the content, never from the file name or the client's word;
photos are decoded and re-encoded from their pixels alone, upright, so that no EXIF
(GPS location, camera, owner), XMP, ICC or comment survives; PDFs are kept as sent.
A photo is kept at most ``MAX_STORED_SIDE`` pixels on its long side, and one with more
pixels than ``QC_MAX_IMAGE_PIXELS`` is refused from its header, before any decoding: a
few hundred KB of PNG can otherwise unpack into a gigabyte of pixels.
Files live under ``QC_UPLOAD_DIR`` (outside any folder the web server serves) under a
random key; the name the client gave is only ever shown, never used on disk.

A file is written after its row is flushed and removed again unless the transaction
commits, so a failed request leaves neither a row without a file nor a file without a
row.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
from pathlib import Path

from flask import current_app, url_for
from PIL import Image, ImageOps
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from qc_platform.core import audit
from qc_platform.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from qc_platform.core.i18n import register_messages
from qc_platform.extensions import db
from qc_platform.feedback import policies
from qc_platform.feedback.models import Report, ReportAttachment

MAX_BYTES = 5 * 1024 * 1024
MAX_PER_REPORT = 10
MAX_FILENAME_LENGTH = 120
# Enough to see a crack or read a meter on any screen (a 4:3 photo: 2560 × 1920, 4.9 Mpx),
# and large JPEGs are then decoded at 1/2, 1/4 or 1/8 of their size.
MAX_STORED_SIDE = 2560

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
CONTENT_TYPES = (JPEG, PNG, WEBP, PDF)
_EXTENSIONS = {JPEG: ".jpg", PNG: ".png", WEBP: ".webp", PDF: ".pdf"}
_ALSO_ACCEPTED_EXTENSIONS = {JPEG: {".jpeg", ".jpe", ".jfif"}}
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
_SAVE_OPTIONS = {"JPEG": {"quality": 90}, "PNG": {}, "WEBP": {"quality": 90}}
_STORAGE_KEY = re.compile(r"[0-9a-f]{32}")


class FileTooLarge(DomainError):
    status_code = 413


class UnsupportedFileType(DomainError):
    status_code = 415


register_messages(
    {
        "feedback.attach_not_allowed": {
            "it": "Possono allegare file solo chi ha inviato la segnalazione e chi la gestisce.",
            "en": "Only the sender of the report and those handling it can attach files.",
        },
        "feedback.attachment_empty": {"it": "Il file è vuoto.", "en": "The file is empty."},
        "feedback.attachment_too_large": {
            "it": "Il file supera il limite di 5 MB.",
            "en": "The file exceeds the 5 MB limit.",
        },
        "feedback.attachment_type": {
            "it": "Puoi allegare solo foto (JPEG, PNG, WebP) o documenti PDF.",
            "en": "You can only attach photos (JPEG, PNG, WebP) or PDF documents.",
        },
        "feedback.attachment_unreadable": {
            "it": "L'immagine non si può leggere: il file è danneggiato o incompleto.",
            "en": "The image cannot be read: the file is damaged or incomplete.",
        },
        "feedback.attachment_too_many_pixels": {
            "it": "La foto ha troppi pixel (al massimo {megapixels} megapixel): "
            "riducila e riprova.",
            "en": "The photo has too many pixels (at most {megapixels} megapixels): "
            "make it smaller and try again.",
        },
        "feedback.attachment_too_many_pixels_field": {
            "it": "La foto ha troppi pixel.",
            "en": "The photo has too many pixels.",
        },
        "feedback.too_many_attachments": {
            "it": "Una segnalazione può avere al massimo {limit} allegati.",
            "en": "A report can have at most {limit} attachments.",
        },
    }
)


# --- content checks ---------------------------------------------------------------


def sniff_content_type(data: bytes) -> str | None:
    """The type the bytes really are (by their magic numbers), or None if not accepted."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def display_filename(client_name: str | None, content_type: str) -> str:
    """The client's name reduced to a safe display name: basename, printable, ≤ 120 chars.

    The extension is made to agree with the real type, so a download opens in the
    right program whatever the file was called.
    """
    name = (client_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    name = name.encode("utf-8", "ignore").decode("utf-8")  # lone surrogates
    name = " ".join(name.split()).strip(" .")
    extension = _EXTENSIONS[content_type]
    stem, dot, given = name.rpartition(".")
    given = f".{given.lower()}" if dot else ""
    if given == extension or given in _ALSO_ACCEPTED_EXTENSIONS.get(content_type, ()):
        extension = given
    else:
        stem = name
    stem = stem.strip(" .")[: MAX_FILENAME_LENGTH - len(extension)].rstrip(" .") or "allegato"
    return stem + extension


def _refuse_image(message_key: str) -> InvalidInput:
    return InvalidInput(message_key, errors={"files": {"file": [message_key]}})


def _too_many_pixels(limit: int) -> InvalidInput:
    return InvalidInput(
        "feedback.attachment_too_many_pixels",
        errors={"files": {"file": ["feedback.attachment_too_many_pixels_field"]}},
        megapixels=f"{limit / 1_000_000:g}",
    )


def pixel_budget(configured: int) -> int:
    """The most pixels a photo may have: ``QC_MAX_IMAGE_PIXELS``, or Pillow's own bomb
    limit if that is lower (Pillow only warns between 1× and 2× its limit)."""
    return min(limit for limit in (configured, Image.MAX_IMAGE_PIXELS) if limit)


def _output_mode(image: Image.Image, pillow_format: str) -> str:
    has_alpha = image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info
    if pillow_format == "JPEG":
        return "L" if image.mode in {"1", "L"} else "RGB"
    if pillow_format == "PNG" and image.mode in {"1", "L", "LA", "RGB", "RGBA"}:
        return image.mode
    return "RGBA" if has_alpha else "RGB"


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` shrunk to fit in ``side`` × ``side``, its aspect kept."""
    scale = min(1.0, side / max(size))
    return max(1, int(size[0] * scale)), max(1, int(size[1] * scale))


def clean_image(data: bytes, content_type: str, *, max_pixels: int) -> bytes:
    """Decode, shrink to ``MAX_STORED_SIDE``, turn upright (EXIF orientation), and
    re-encode the pixels alone.

    A new image is built from the pixels, so nothing of the original's metadata (EXIF
    with GPS, XMP, ICC, comments, text chunks) can be carried over. An image of more than
    ``max_pixels`` is refused from the size in its header, before a pixel is decoded;
    decompression bombs and images Pillow cannot decode are refused too (422).
    """
    pillow_format = _PILLOW_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            # Only the header has been read so far.
            if image.width * image.height > max_pixels:
                raise _too_many_pixels(max_pixels)
            return _pixels_alone(image, pillow_format)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except Exception:  # Pillow raises many kinds on malformed input
        raise _refuse_image("feedback.attachment_unreadable") from None


def _pixels_alone(image: Image.Image, pillow_format: str) -> bytes:
    """The opened image decoded, shrunk, upright, copied into a new image and encoded."""
    if pillow_format == "JPEG":
        # libjpeg scales while decoding (1/2, 1/4, 1/8) as far as the result
        # still covers the stored size: a big photo never exists at full size.
        image.draft(None, _fitted(image.size, MAX_STORED_SIDE))
    image.load()
    mode = _output_mode(image, pillow_format)
    pixels = image if image.mode == mode else image.convert(mode)
    pixels.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))  # reduce(), then resample
    try:
        upright = ImageOps.exif_transpose(pixels)
    except Exception:  # unreadable EXIF: keep the pixels as they are
        upright = pixels
    clean = Image.new(mode, upright.size)
    clean.paste(upright)
    out = io.BytesIO()
    clean.save(out, format=pillow_format, **_SAVE_OPTIONS[pillow_format])
    return out.getvalue()


# --- storage ------------------------------------------------------------------------


def _is_inside(path: Path, folder: str | os.PathLike | None) -> bool:
    if not folder:
        return False
    return path.is_relative_to(Path(folder).resolve())


def upload_root() -> Path:
    """Where attachments live; refuses a folder that the web server serves."""
    root = (Path(current_app.config["QC_UPLOAD_DIR"]) / "feedback").resolve()
    public = [current_app.config.get("QC_FRONTEND_DIST"), current_app.static_folder]
    public += [bp.static_folder for bp in current_app.blueprints.values()]
    if any(_is_inside(root, folder) for folder in public):
        raise RuntimeError("QC_UPLOAD_DIR must be outside every public folder")
    return root


def file_path(attachment: ReportAttachment) -> Path:
    if not _STORAGE_KEY.fullmatch(attachment.storage_key):
        raise NotFound("http.404")
    return upload_root() / attachment.storage_key


def read(attachment: ReportAttachment) -> bytes:
    """The stored bytes (at most a few MB: read whole, so no file handle outlives the request)."""
    try:
        return file_path(attachment).read_bytes()
    except FileNotFoundError:
        raise NotFound("http.404") from None


_PENDING = "qc_files_pending_commit"


def _keep_only_if_committed(path: Path) -> None:
    db.session.info.setdefault(_PENDING, []).append(path)


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _discard_uncommitted_files(session: Session, transaction) -> None:
    # Still pending when the outermost transaction ends: it was rolled back or closed.
    if transaction.parent is None:
        for path in session.info.pop(_PENDING, ()):
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".part").unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


# --- the rules ----------------------------------------------------------------------


def can_attach(user, report: Report) -> bool:
    """Its sender (or who typed it for them), its recipients and staff."""
    return policies.is_reporter(user, report) or policies.can_handle(user, report)


def add(*, uploader, report: Report, stream, filename: str | None) -> ReportAttachment:
    """Attach a file to a report (at most 10): a checked photo, stripped, or a PDF."""
    if not can_attach(uploader, report):
        raise Forbidden("feedback.attach_not_allowed")
    data, content_type = _received(stream)
    if content_type != PDF:  # decoded before the report is locked, not while it is
        budget = pixel_budget(current_app.config["QC_MAX_IMAGE_PIXELS"])
        data = clean_image(data, content_type, max_pixels=budget)
    _lock_with_room_for_one_more(report)
    attachment = ReportAttachment(
        report_id=report.id,
        uploaded_by_id=uploader.id,
        filename=display_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=secrets.token_hex(16),
    )
    db.session.add(attachment)
    db.session.flush()
    path = file_path(attachment)
    _keep_only_if_committed(path)
    _write(path, data)
    _audit_attachment(uploader, report, attachment)
    return attachment


def _received(stream) -> tuple[bytes, str]:
    """The uploaded bytes (at most ``MAX_BYTES``, read no further) and their real type."""
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise InvalidInput(
            "feedback.attachment_empty", errors={"files": {"file": ["feedback.attachment_empty"]}}
        )
    if len(data) > MAX_BYTES:
        raise FileTooLarge("feedback.attachment_too_large")
    content_type = sniff_content_type(data)
    if content_type is None:
        raise UnsupportedFileType("feedback.attachment_type")
    return data, content_type


def _lock_with_room_for_one_more(report: Report) -> None:
    """The report row is locked (PostgreSQL) so that two uploads cannot both be the 10th."""
    db.session.execute(select(Report.id).where(Report.id == report.id).with_for_update())
    count = db.session.scalar(
        select(func.count(ReportAttachment.id)).where(ReportAttachment.report_id == report.id)
    )
    if count >= MAX_PER_REPORT:
        raise Conflict("feedback.too_many_attachments", limit=MAX_PER_REPORT)


def _audit_attachment(uploader, report: Report, attachment: ReportAttachment) -> None:
    """A handler's file is audited like every handler's; an anonymous sender's is not."""
    if policies.can_handle(uploader, report):
        audit.record(
            actor=uploader,
            action="report.attachment_add",
            object_type="report",
            object_id=report.id,
            details={"attachment_id": attachment.id, "content_type": attachment.content_type},
        )
    elif report.anonymous:
        audit.omit_request_row()


def for_report(report: Report) -> list[ReportAttachment]:
    return list(
        db.session.scalars(
            select(ReportAttachment)
            .where(ReportAttachment.report_id == report.id)
            .order_by(ReportAttachment.id)
        )
    )


def get_visible(user, attachment_id: int) -> tuple[ReportAttachment, Report]:
    """An attachment and its report, for those who may see the report; else 404."""
    attachment = db.session.get(ReportAttachment, attachment_id)
    report = db.session.get(Report, attachment.report_id) if attachment else None
    if report is None or not policies.can_see(user, report):
        raise NotFound("http.404")
    return attachment, report


def shown_filename(viewer, report: Report, attachment: ReportAttachment) -> str:
    """Anonymity: a file's name as given is seen by its uploader and by who may see the
    report's sender; everyone else sees a neutral name, whoever uploaded the file.

    A name the sender gave could name them; and keeping only other uploaders' names would
    single out the sender's files, also those of a sender who handles the report (their
    files would look unlike every other handler's).
    """
    if attachment.uploaded_by_id == viewer.id or policies.can_see_reporter(viewer, report):
        return attachment.filename
    return f"allegato-{attachment.id}{_EXTENSIONS[attachment.content_type]}"


def present(viewer, report: Report, attachments: list[ReportAttachment]) -> list[dict]:
    """What anyone who sees the report sees of its files: never who uploaded them."""
    return [
        {
            "id": attachment.id,
            "filename": shown_filename(viewer, report, attachment),
            "content_type": attachment.content_type,
            "size": attachment.size,
            "created_at": attachment.created_at,
            "url": url_for("feedback.AttachmentFile", attachment_id=attachment.id),
        }
        for attachment in attachments
    ]
