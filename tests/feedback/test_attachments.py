"""Report attachments with real files: type from content, metadata stripped, private storage."""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from qc_platform.core.audit import AuditEntry
from qc_platform.extensions import db
from qc_platform.feedback import attachments
from qc_platform.feedback import service as feedback
from qc_platform.feedback.models import ReportAttachment
from qc_platform.places.models import Complex
from tests.accounts.factories import bearer, persist, user_with_roles
from tests.conftest import make_test_app

API = "/api/v1/feedback"
GPS_IFD = 0x8825
PROJECT_ROOT = Path(__file__).resolve().parents[2]


# --- real files, made here ------------------------------------------------------------


def jpeg_with_location(size=(40, 20), orientation=6) -> bytes:
    """A phone-like photo: camera make, GPS position, and 'rotate 90° to view' orientation."""
    exif = Image.Exif()
    exif[0x010F] = "Fotocamera Spia"  # Make
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (45.0, 30.0, 12.0), 3: "E", 4: (9.0, 12.0, 34.0)}
    image = Image.new("RGB", size, "red")
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"scattata in via Spia 7")
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # it really is there
    return data


def png(size=(8, 8), mode="RGB", colour="orange") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Mario Spia")
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Fotocamera Spia"
    exif[GPS_IFD] = {1: "N", 2: (45.0, 30.0, 12.0)}
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(out, "WEBP", exif=exif)
    return out.getvalue()


def flat_png(width: int, height: int, *, one_bit: bool = False) -> bytes:
    """A black PNG of any size in a few hundred KB, written chunk by chunk (no Pillow).

    RGB, 8 bits (what a photo decodes to), or 1-bit grey. Every row is the same (filter 0,
    zero pixels): the pixel data is one row's deflate block repeated, each block made
    independent of the ones before it by a full flush; the Adler-32 of n zero bytes is
    ``n << 16 | 1``.
    """
    colour_type, bit_depth, channels = (0, 1, 1) if one_bit else (2, 8, 3)
    row = bytes(1 + (width * channels * bit_depth + 7) // 8)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(row) + deflate.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    adler = (len(row) * height % 65521) << 16 | 1
    pixels = b"\x78\xda" + block * height + last + struct.pack(">I", adler)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose header (SOF0) claims another size."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "grey").save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    assert Image.open(io.BytesIO(bytes(data))).size == (width, height)
    return bytes(data)


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "PDF")
    data = out.getvalue()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data
    return data


# --- the world ----------------------------------------------------------------------


@dataclass
class People:
    tenant: dict
    tenant_id: int
    tenant_email: str
    neighbour: dict  # another tenant of the same complex
    tenant_elsewhere: dict
    custodian: dict
    staff: dict
    staff_id: int
    complex_a: int


@pytest.fixture
def uploads(app, tmp_path, monkeypatch) -> Path:
    monkeypatch.setitem(app.config, "QC_UPLOAD_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def people() -> People:
    code = lambda c: db.session.scalar(select(Complex.id).where(Complex.code == c))  # noqa: E731
    a, b = code("boccioni"), code("fratelli-zoia")
    tenant = user_with_roles(("tenant", "complex", a), display_name="Mario Spia")
    staff = user_with_roles(("staff", None, None))
    return People(
        tenant=bearer(tenant),
        tenant_id=tenant.id,
        tenant_email=tenant.email,
        neighbour=bearer(user_with_roles(("tenant", "complex", a))),
        tenant_elsewhere=bearer(user_with_roles(("tenant", "complex", b))),
        custodian=bearer(user_with_roles(("custodian", "complex", a))),
        staff=bearer(staff),
        staff_id=staff.id,
        complex_a=a,
    )


def make_report(people: People, **kwargs) -> int:
    from qc_platform.accounts.models import User

    report = feedback.submit(
        author=db.session.get(User, people.tenant_id),
        complex_id=people.complex_a,
        category="maintenance",
        title="Ascensore fermo",
        description="L'ascensore della scala B è fermo.",
        **kwargs,
    )
    persist()
    return report.id


def post_form(client, url, headers, form: dict):
    """A multipart POST encoded in memory (the test client spools big bodies to a temporary
    file it never closes, which the warnings-as-errors setting turns into a failure)."""
    body, length, boundary = stream_encode_multipart(form, use_tempfile=False)
    return client.post(
        url,
        data=body.getvalue(),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def upload(client, report_id, headers, data: bytes, name="foto.jpg", content_type=None):
    file = FileStorage(io.BytesIO(data), filename=name, content_type=content_type)
    return post_form(client, f"{API}/reports/{report_id}/attachments", headers, {"file": file})


def stored_files(uploads: Path) -> list[Path]:
    return sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.exists() else []


def rows(report_id: int) -> int:
    return db.session.scalar(
        select(func.count(ReportAttachment.id)).where(ReportAttachment.report_id == report_id)
    )


def stored(attachment_id: int) -> Path:
    return attachments.file_path(db.session.get(ReportAttachment, attachment_id))


# --- photos lose their metadata -----------------------------------------------------


def test_a_phone_photo_is_stored_upright_without_its_location(client, people, uploads):
    report_id = make_report(people)
    original = jpeg_with_location()
    response = upload(client, report_id, people.tenant, original, name="IMG_0042.JPG")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"id", "filename", "content_type", "size", "created_at", "url"}
    assert body["content_type"] == "image/jpeg"
    assert body["filename"] == "IMG_0042.jpg"
    assert body["url"] == f"{API}/attachments/{body['id']}"

    data = stored(body["id"]).read_bytes()
    assert body["size"] == len(data)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (20, 40)  # turned upright: the orientation tag is applied
    assert len(image.getexif()) == 0
    assert not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info and "comment" not in image.info
    for trace in (b"Exif", b"Fotocamera", b"Spia", b"GPS"):
        assert trace not in data
    row = db.session.get(ReportAttachment, body["id"])
    assert row.sha256 == hashlib.sha256(data).hexdigest()

    download = client.get(body["url"], headers=people.tenant)
    assert download.status_code == 200
    assert download.data == data


def test_png_keeps_transparency_and_loses_its_text_chunks(client, people, uploads):
    report_id = make_report(people)
    response = upload(client, report_id, people.tenant, png(mode="RGBA", colour=(0, 0, 0, 0)))
    assert response.status_code == 201
    assert response.get_json()["content_type"] == "image/png"
    data = stored(response.get_json()["id"]).read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGBA" and image.getpixel((0, 0)) == (0, 0, 0, 0)
    assert "Author" not in image.info and b"Mario Spia" not in data


def test_webp_loses_its_exif(client, people, uploads):
    report_id = make_report(people)
    response = upload(client, report_id, people.tenant, webp_with_exif(), name="foto.webp")
    assert response.status_code == 201
    assert response.get_json()["content_type"] == "image/webp"
    data = stored(response.get_json()["id"]).read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP" and len(image.getexif()) == 0
    assert b"EXIF" not in data and b"Fotocamera" not in data


def test_a_pdf_is_stored_as_it_is_and_downloaded_as_an_attachment(client, people, uploads):
    report_id = make_report(people)
    document = pdf()
    response = upload(client, report_id, people.tenant, document, name="verbale.pdf")
    assert response.status_code == 201
    body = response.get_json()
    assert body["content_type"] == "application/pdf" and body["size"] == len(document)
    assert stored(body["id"]).read_bytes() == document

    download = client.get(body["url"], headers=people.custodian)  # a recipient
    assert download.status_code == 200
    assert download.data == document
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "verbale.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"


def test_photos_are_shown_inline(client, people, uploads):
    report_id = make_report(people)
    attachment_id = upload(client, report_id, people.tenant, png()).get_json()["id"]
    download = client.get(f"{API}/attachments/{attachment_id}", headers=people.custodian)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Disposition"].startswith("inline;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"


# --- the type comes from the content --------------------------------------------------


def test_a_text_file_called_jpg_is_refused(client, people, uploads):
    report_id = make_report(people)
    response = upload(
        client,
        report_id,
        people.tenant,
        b"Non sono una foto, solo testo.\n" * 20,
        name="foto.jpg",
        content_type="image/jpeg",
    )
    assert response.status_code == 415
    assert set(response.get_json()) >= {"code", "status", "message"}
    assert rows(report_id) == 0 and stored_files(uploads) == []


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"<html><script>alert(1)</script></html>",
        b"GIF89a" + b"\x00" * 40,
        b"PK\x03\x04" + b"\x00" * 40,
    ],
    ids=["svg", "html", "gif", "zip"],
)
def test_other_types_are_refused_whatever_they_are_called(client, people, uploads, data):
    report_id = make_report(people)
    response = upload(client, report_id, people.tenant, data, "a.png", "image/png")
    assert response.status_code == 415
    assert rows(report_id) == 0 and stored_files(uploads) == []


def test_the_real_type_wins_over_the_name_and_the_clients_word(client, people, uploads):
    report_id = make_report(people)
    response = upload(client, report_id, people.tenant, png(), "scan.pdf", "application/pdf")
    assert response.status_code == 201
    body = response.get_json()
    assert body["content_type"] == "image/png"
    assert body["filename"] == "scan.pdf.png"


def test_a_broken_image_is_refused(client, people, uploads):
    report_id = make_report(people)
    truncated = jpeg_with_location(size=(400, 300))[:300]
    for data in (b"\xff\xd8\xff" + b"garbage" * 50, truncated, png()[:40]):
        response = upload(client, report_id, people.tenant, data)
        assert response.status_code == 422, response.get_json()
    assert rows(report_id) == 0 and stored_files(uploads) == []


def assert_too_many_pixels(response) -> None:
    """422 in the one error shape, saying what is wrong and how far the budget goes."""
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    assert body["message"] == (
        "La foto ha troppi pixel (al massimo 40 megapixel): riducila e riprova."
    )
    assert body["errors"] == {"files": {"file": ["La foto ha troppi pixel."]}}


def test_a_pixel_flood_png_is_refused_before_decoding(client, people, uploads):
    """Finding 2 of issue 12: 257 KB of PNG, 9400 × 9400 px, just under Pillow's own limit."""
    report_id = make_report(people)
    flood = flat_png(9400, 9400)
    assert len(flood) < 500_000
    assert Image.open(io.BytesIO(flood)).size == (9400, 9400)
    response = upload(client, report_id, people.tenant, flood, name="alluvione.png")
    assert_too_many_pixels(response)
    assert rows(report_id) == 0 and stored_files(uploads) == []
    english = upload(
        client, report_id, {**people.tenant, "Accept-Language": "en"}, flood, name="f.png"
    )
    assert english.get_json()["message"] == (
        "The photo has too many pixels (at most 40 megapixels): make it smaller and try again."
    )


def test_a_decompression_bomb_is_refused(client, people, uploads):
    report_id = make_report(people)
    bomb = flat_png(20_000, 20_000, one_bit=True)  # 400 megapixels: over Pillow's own limit
    assert len(bomb) < 500_000
    response = upload(client, report_id, people.tenant, bomb, name="bomba.png")
    assert_too_many_pixels(response)
    assert rows(report_id) == 0 and stored_files(uploads) == []


def test_a_jpeg_is_refused_from_the_size_in_its_header(client, people, uploads):
    """Refused as too big, not as unreadable: no pixel was decoded to find out."""
    report_id = make_report(people)
    response = upload(client, report_id, people.tenant, jpeg_claiming(9400, 9400))
    assert_too_many_pixels(response)
    assert rows(report_id) == 0 and stored_files(uploads) == []


def test_the_pixel_budget_is_a_setting(app, client, people, uploads, monkeypatch):
    report_id = make_report(people)
    monkeypatch.setitem(app.config, "QC_MAX_IMAGE_PIXELS", 1000)
    response = upload(client, report_id, people.tenant, png(size=(40, 26)))  # 1,040 pixels
    assert response.status_code == 422
    assert "0.001 megapixel" in response.get_json()["message"]
    assert upload(client, report_id, people.tenant, png(size=(40, 25))).status_code == 201


def test_a_big_photo_is_decoded_small_and_stored_at_most_2560_px(
    client, people, uploads, monkeypatch
):
    """JPEG's decoder scales while decoding: a big photo never exists at full size."""
    from PIL import JpegImagePlugin

    report_id = make_report(people)
    decoded = []
    draft = JpegImagePlugin.JpegImageFile.draft

    def spy(image, mode, size):
        result = draft(image, mode, size)
        if result is not None:  # None: the decoder was set up already
            decoded.append(image.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    photo = jpeg_with_location(size=(5200, 400))  # orientation 6: 400 × 5200 upright
    response = upload(client, report_id, people.tenant, photo, name="lungo.jpg")
    assert response.status_code == 201, response.get_json()
    assert decoded == [(2600, 200)]  # decoded at half size, not 5200 × 400
    stored_photo = Image.open(io.BytesIO(stored(response.get_json()["id"]).read_bytes()))
    assert stored_photo.size == (197, 2560)  # upright, long side 2560
    assert len(stored_photo.getexif()) == 0


def test_images_over_the_pixel_limit_are_refused_even_if_pillow_only_warns(
    client, people, uploads, monkeypatch
):
    report_id = make_report(people)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    over = png(size=(40, 40))  # 1,600 pixels: between the limit and twice it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        assert upload(client, report_id, people.tenant, over).status_code == 422
    assert upload(client, report_id, people.tenant, over).status_code == 422
    assert upload(client, report_id, people.tenant, png(size=(30, 30))).status_code == 201


def test_a_pixel_flood_costs_no_more_memory_than_a_small_photo(tmp_path):
    """The uploads in a fresh process (tests/feedback/upload_probe.py), a small photo first:
    neither the flood nor the bomb may raise the process's peak memory 60 MB above the
    photo's. Unfixed, the flood was decoded to 9400 × 9400 RGB and peaked near 1.2 GB."""
    files = {
        "small.jpg": jpeg_with_location(size=(640, 480)),
        "flood.png": flat_png(9400, 9400),
        "bomb.png": flat_png(20_000, 20_000, one_bit=True),
    }
    paths = [tmp_path / name for name in files]
    for path, data in zip(paths, files.values(), strict=True):
        path.write_bytes(data)
    probe = subprocess.run(
        [sys.executable, "-W", "error", "-m", "tests.feedback.upload_probe", *map(str, paths)],
        cwd=PROJECT_ROOT,
        env={key: value for key, value in os.environ.items() if not key.startswith("QC_")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    small, flood, bomb = json.loads(probe.stdout.splitlines()[-1])
    assert small["status"] == 201, small
    for refused in (flood, bomb):
        assert refused["status"] == 422, refused
        extra_mb = (refused["peak_kb"] - small["peak_kb"]) / 1024
        assert extra_mb < 60, (small, flood, bomb)


# --- sizes and counts ------------------------------------------------------------------


def test_over_5_mb_is_413(client, people, uploads):
    report_id = make_report(people)
    too_big = b"%PDF-1.4\n" + b"0" * (attachments.MAX_BYTES - 8)
    assert len(too_big) == attachments.MAX_BYTES + 1
    response = upload(client, report_id, people.tenant, too_big, name="grande.pdf")
    assert response.status_code == 413
    assert response.get_json()["code"] == 413
    assert rows(report_id) == 0 and stored_files(uploads) == []
    # Over the request cap (6 MB) the server refuses before reading the file.
    huge = b"%PDF-1.4\n" + b"0" * (7 * 1024 * 1024)
    assert upload(client, report_id, people.tenant, huge, name="enorme.pdf").status_code == 413
    # Exactly 5 MB is accepted.
    exact = too_big[:-1]
    response = upload(client, report_id, people.tenant, exact, name="limite.pdf")
    assert response.status_code == 201 and response.get_json()["size"] == attachments.MAX_BYTES


def test_an_empty_or_missing_file_is_422(client, people, uploads):
    report_id = make_report(people)
    assert upload(client, report_id, people.tenant, b"").status_code == 422
    no_file = post_form(
        client,
        f"{API}/reports/{report_id}/attachments",
        people.tenant,
        {"other": FileStorage(io.BytesIO(png()), filename="foto.png")},
    )
    assert no_file.status_code == 422
    assert "file" in no_file.get_json()["errors"]["files"]
    as_json = client.post(
        f"{API}/reports/{report_id}/attachments", json={"file": "x"}, headers=people.tenant
    )
    assert as_json.status_code == 422  # no file part
    raw = client.post(
        f"{API}/reports/{report_id}/attachments",
        data=png(),
        content_type="image/png",
        headers=people.tenant,
    )
    assert raw.status_code == 415  # uploads come as multipart only
    assert rows(report_id) == 0 and stored_files(uploads) == []


def test_at_most_ten_attachments_per_report(client, people, uploads):
    report_id = make_report(people)
    for n in range(attachments.MAX_PER_REPORT):
        headers = people.tenant if n % 2 else people.custodian
        assert upload(client, report_id, headers, png(), f"{n}.png").status_code == 201
    response = upload(client, report_id, people.staff, png(), "11.png")
    assert response.status_code == 409
    assert "10" in response.get_json()["message"]
    assert rows(report_id) == attachments.MAX_PER_REPORT
    assert len(stored_files(uploads)) == attachments.MAX_PER_REPORT
    listed = client.get(f"{API}/reports/{report_id}/attachments", headers=people.tenant)
    assert len(listed.get_json()["items"]) == attachments.MAX_PER_REPORT


@pytest.fixture
def limited_app(database_url, frontend_dist, tmp_path, uploads, extension_state):
    """Rate limits on (memory storage); the process-wide limiter state handed back after."""
    app = make_test_app(
        database_url,
        frontend_dist,
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        QC_ATTACHMENT_RATE_LIMIT="2 per hour",
        QC_UPLOAD_DIR=str(uploads),
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_uploads_are_rate_limited_per_person(limited_app, people, uploads):
    client = limited_app.test_client()
    report_id = make_report(people)
    for n in range(2):
        assert upload(client, report_id, people.tenant, png(), f"{n}.png").status_code == 201
    refused = upload(client, report_id, people.tenant, png(), "2.png")
    assert refused.status_code == 429
    assert refused.get_json()["code"] == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert rows(report_id) == 2 and len(stored_files(uploads)) == 2
    # Per person: the custodian handling the report still attaches; reading goes on.
    assert upload(client, report_id, people.custodian, png(), "3.png").status_code == 201
    listing = client.get(f"{API}/reports/{report_id}/attachments", headers=people.tenant)
    assert listing.status_code == 200 and len(listing.get_json()["items"]) == 3


# --- who may upload, list, download ----------------------------------------------------


def test_visibility(client, people, uploads):
    report_id = make_report(people)  # private
    attachment_id = upload(client, report_id, people.tenant, png()).get_json()["id"]
    listing = f"{API}/reports/{report_id}/attachments"
    download = f"{API}/attachments/{attachment_id}"
    for outsider in (people.tenant_elsewhere, people.neighbour):
        assert client.get(listing, headers=outsider).status_code == 404
        assert client.get(download, headers=outsider).status_code == 404
        assert upload(client, report_id, outsider, png()).status_code == 404
    for insider in (people.tenant, people.custodian, people.staff):
        assert client.get(listing, headers=insider).status_code == 200
        response = client.get(download, headers=insider)
        assert response.status_code == 200 and response.data == stored(attachment_id).read_bytes()
    assert client.get(download).status_code == 401
    assert client.get(f"{API}/attachments/999999", headers=people.staff).status_code == 404


def test_on_a_public_report_neighbours_see_the_files_but_cannot_add(client, people, uploads):
    report_id = make_report(people, visibility="public")
    attachment_id = upload(client, report_id, people.tenant, png()).get_json()["id"]
    assert (
        client.get(f"{API}/attachments/{attachment_id}", headers=people.neighbour).status_code
        == 200
    )
    response = upload(client, report_id, people.neighbour, png())
    assert response.status_code == 403
    assert upload(client, report_id, people.tenant_elsewhere, png()).status_code == 404
    assert rows(report_id) == 1


def test_recipient_and_staff_uploads_are_audited_the_senders_are_not(client, people, uploads):
    report_id = make_report(people)
    for headers in (people.tenant, people.custodian, people.staff):
        assert upload(client, report_id, headers, png()).status_code == 201
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "report.attachment_add", AuditEntry.object_id == report_id
        )
    ).all()
    assert len(entries) == 2
    assert people.staff_id in {entry.actor_id for entry in entries}
    assert people.tenant_id not in {entry.actor_id for entry in entries}


def test_an_anonymous_reports_files_never_name_their_sender(client, people, uploads):
    report_id = make_report(people, anonymous=True)
    body = upload(client, report_id, people.tenant, png(), name="Mario Spia - ascensore.png")
    assert body.status_code == 201
    attachment_id = body.get_json()["id"]
    assert body.get_json()["filename"] == "Mario Spia - ascensore.png"  # the sender sees it
    listing = f"{API}/reports/{report_id}/attachments"
    for viewer in (people.custodian, people.staff):
        items = client.get(listing, headers=viewer).get_json()["items"]
        assert items[0]["filename"] == f"allegato-{attachment_id}.png"
        assert set(items[0]) == {"id", "filename", "content_type", "size", "created_at", "url"}
        text = client.get(listing, headers=viewer).get_data(as_text=True)
        assert "Spia" not in text and people.tenant_email not in text
        download = client.get(f"{API}/attachments/{attachment_id}", headers=viewer)
        assert "Spia" not in download.headers["Content-Disposition"]


# --- storage ----------------------------------------------------------------------------


def test_files_live_outside_public_folders_under_a_random_key(
    app, client, people, uploads, frontend_dist
):
    report_id = make_report(people)
    response = upload(client, report_id, people.tenant, png(), name="../../../etc/passwd.png")
    assert response.status_code == 201
    assert response.get_json()["filename"] == "passwd.png"
    path = stored(response.get_json()["id"])
    assert path.is_file() and path.is_relative_to(uploads.resolve())
    assert not path.is_relative_to(frontend_dist.resolve())
    assert app.static_folder is None or not path.is_relative_to(Path(app.static_folder).resolve())
    assert "passwd" not in str(path) and len(path.name) == 32
    assert stored_files(uploads) == [path]
    assert path.stat().st_mode & 0o077 == 0  # readable by the server only
    # The web app's file routes do not reach it.
    assert client.get(f"/{path.name}").status_code == 404


def test_an_upload_folder_inside_the_web_build_is_refused(
    app, client, people, frontend_dist, monkeypatch
):
    report_id = make_report(people)
    monkeypatch.setitem(app.config, "QC_UPLOAD_DIR", str(frontend_dist / "uploads"))
    response = upload(client, report_id, people.tenant, png())
    assert response.status_code == 500
    assert not (frontend_dist / "uploads").exists()
    assert rows(report_id) == 0


def test_display_names_are_sanitised():
    name = attachments.display_filename
    assert name("C:\\Users\\mario\\foto.JPEG", "image/jpeg") == "foto.jpeg"
    assert name("a\x00b\x1fc\u202e.png", "image/png") == "abc.png"
    assert name(None, "application/pdf") == "allegato.pdf"
    assert name("...", "image/webp") == "allegato.webp"
    long = name("x" * 500 + ".png", "image/png")
    assert len(long) == 120 and long.endswith(".png")


# --- nothing half-written ------------------------------------------------------------


def test_a_request_that_fails_after_the_write_leaves_no_row_and_no_file(
    client, people, uploads, monkeypatch
):
    report_id = make_report(people)

    def broken_audit(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(attachments.audit, "record", broken_audit)
    response = upload(client, report_id, people.staff, png())  # staff: audited → fails
    assert response.status_code == 500
    assert rows(report_id) == 0
    assert stored_files(uploads) == []


def test_a_failing_flush_writes_nothing_and_overwrites_nothing(
    client, people, uploads, monkeypatch
):
    report_id = make_report(people)
    first = upload(client, report_id, people.tenant, png(colour="green")).get_json()["id"]
    existing = stored(first)
    before = existing.read_bytes()
    # The next key collides with the stored one: the row's flush fails before any write.
    monkeypatch.setattr(attachments.secrets, "token_hex", lambda n: existing.name)
    response = upload(client, report_id, people.tenant, png(colour="black"))
    assert response.status_code == 500
    assert existing.read_bytes() == before
    assert stored_files(uploads) == [existing]
    assert rows(report_id) == 1


def test_a_service_call_not_committed_leaves_no_file(people, uploads, db_session):
    from qc_platform.accounts.models import User

    report_id = make_report(people)
    tenant = db.session.get(User, people.tenant_id)
    report = feedback.get_visible(tenant, report_id)
    attachment = attachments.add(
        uploader=tenant, report=report, stream=io.BytesIO(png()), filename="x.png"
    )
    path = attachments.file_path(attachment)
    assert path.is_file()
    db.session.rollback()
    assert not path.exists()
    assert stored_files(uploads) == []
