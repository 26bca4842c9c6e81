"""Report attachments with real files: type from content, metadata stripped, private storage."""

from __future__ import annotations

import hashlib
import io
import warnings
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

API = "/api/v1/feedback"
GPS_IFD = 0x8825


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


def test_a_decompression_bomb_is_refused(client, people, uploads):
    report_id = make_report(people)
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, "PNG")  # 400 megapixels in a few KB
    assert len(bomb.getvalue()) < 200_000
    response = upload(client, report_id, people.tenant, bomb.getvalue(), name="bomba.png")
    assert response.status_code == 422
    assert rows(report_id) == 0 and stored_files(uploads) == []


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
