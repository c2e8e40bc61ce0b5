"""The profile API and pages over HTTP: round trips, per-field 422s, who may write what, logo
uploads checked by content and served back, and the forms re-shown with their errors."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from propintel.config import Settings
from tests.factories import api_as, browser_as, make_property


@pytest.fixture
def app_options(tmp_path: Path) -> dict[str, Any]:
    """Uploads go to this test's own directory."""
    return {"settings": Settings(data_dir=tmp_path)}


def _stored_files(tmp_path: Path) -> list[Path]:
    media = tmp_path / "media"
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def png(size: tuple[int, int] = (64, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


FULL = {
    "business_name": "Sunny Pools",
    "business_type": "contractor",
    "business_description": "Pool care since 1999.",
    "business_phone": "(305) 555-0123",
    "business_email": "hello@sunnypools.com",
    "website_url": "sunnypools.com",
    "brand_voice": "friendly",
    "services_offered": ["pool", "cleaning"],
    "service_area": {
        "zip_codes": ["33139"],
        "center": {"lat": 25.77, "lon": -80.19},
        "radius_miles": 5,
    },
    "target_criteria": {"intent": "distressed", "zip": ["33139"]},
}


async def test_subscriber_api_round_trip(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await api_as(client, db)
    first = await client.get("/api/v1/profile", headers=headers)
    assert first.status_code == 200 and first.json()["kind"] == "subscriber"
    saved = await client.put("/api/v1/profile", json=FULL, headers=headers)
    assert saved.status_code == 200, saved.text
    body = (await client.get("/api/v1/profile", headers=headers)).json()
    assert body["business_phone"] == "+13055550123"
    assert body["website_url"] == "https://sunnypools.com"
    assert body["services_offered"] == ["pool", "cleaning"]
    assert body["service_area"]["radius_miles"] == 5
    assert body["target_criteria"] == {"intent": "distressed", "zip": ["33139"]}
    assert body["verified"] is False
    cleared = await client.put("/api/v1/profile", json={"business_name": "Only"}, headers=headers)
    assert cleared.json()["services_offered"] == [] and cleared.json()["service_area"] is None


async def test_put_refuses_by_field(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await api_as(client, db)
    bad = {**FULL, "business_phone": "12", "service_area": {"radius_miles": 3}, "verified": True}
    response = await client.put("/api/v1/profile", json=bad, headers=headers)
    assert response.status_code == 422
    fields = {item["field"] for item in response.json()["errors"]}
    assert fields == {"business_phone", "service_area.radius_miles", "verified"}
    assert (await client.get("/api/v1/profile", headers=headers)).json()["business_name"] is None


async def test_homeowner_api_matches_the_home_and_refuses_business_fields(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    address = "12 OCEAN DR, MIAMI BEACH, FL 33139"
    await make_property(
        db, street_address="12 OCEAN DR", address_key="12 OCEAN DR", zip_code="33139",
        full_address=address,
    )  # fmt: skip
    headers = await api_as(client, db, UserType.HOMEOWNER)
    response = await client.put(
        "/api/v1/profile",
        json={"full_name": "Ana", "address": "12 Ocean Drive, Miami Beach", "zip_code": "33139"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["kind"] == "homeowner"
    assert response.json()["address"] == "12 OCEAN DR, MIAMI BEACH"
    assert response.json()["property"]["full_address"] == "12 OCEAN DR, MIAMI BEACH, FL 33139"
    refused = await client.put("/api/v1/profile", json={"business_name": "x"}, headers=headers)
    assert refused.status_code == 422
    assert [item["field"] for item in refused.json()["errors"]] == ["business_name"]
    logo = await client.post(
        "/api/v1/profile/logo", files={"file": ("a.png", png())}, headers=headers
    )
    assert logo.status_code == 403


async def test_a_subscriber_cannot_write_homeowner_fields_and_admins_have_no_profile(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await api_as(client, db)
    refused = await client.put("/api/v1/profile", json={"full_name": "x"}, headers=headers)
    assert refused.status_code == 422
    admin = await api_as(client, db, UserType.ADMIN)
    assert (await client.get("/api/v1/profile", headers=admin)).status_code == 403
    assert (await client.get("/api/v1/profile")).status_code == 401


async def test_a_png_logo_is_stored_served_and_replaced(
    client: httpx.AsyncClient, db: AsyncSession, tmp_path: Path
) -> None:
    headers = await api_as(client, db)
    first = await client.post(
        "/api/v1/profile/logo", files={"file": ("l.png", png())}, headers=headers
    )
    assert first.status_code == 200, first.text
    url = first.json()["business_logo_url"]
    assert url.startswith("/media/public/logos/") and url.endswith(".png")
    served = await client.get(url)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert Image.open(io.BytesIO(served.content)).size == (64, 32)
    second = await client.post(
        "/api/v1/profile/logo", files={"file": ("big.png", png((3000, 1500)))}, headers=headers
    )
    new_url = second.json()["business_logo_url"]
    assert (await client.get(url)).status_code == 404  # the old one is deleted
    assert Image.open(io.BytesIO((await client.get(new_url)).content)).size == (1024, 512)
    assert len([p for p in _stored_files(tmp_path) if not p.name.endswith(".type")]) == 1
    assert (await client.delete("/api/v1/profile/logo", headers=headers)).status_code == 204
    assert _stored_files(tmp_path) == []


ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
REFUSED_UPLOADS = [
    ("setup.png", b"MZ\x90\x00\x03" + b"\x00" * 300),  # a Windows executable renamed
    ("logo.png", ELF),
    ("run.png", b"#!/bin/sh\nrm -rf /\n"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("cut.png", png()[:60]),  # truncated
    ("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ("empty.png", b""),
]


@pytest.mark.parametrize(("name", "data"), REFUSED_UPLOADS)
async def test_uploads_that_are_not_png_jpeg_or_webp_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, db: AsyncSession, tmp_path: Path, name: str, data: bytes
) -> None:
    headers = await api_as(client, db)
    response = await client.post(
        "/api/v1/profile/logo", files={"file": (name, data, "image/png")}, headers=headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "logo"
    assert _stored_files(tmp_path) == []
    assert (await client.get("/api/v1/profile", headers=headers)).json()[
        "business_logo_url"
    ] is None


async def test_an_oversized_logo_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, tmp_path: Path
) -> None:
    headers = await api_as(client, db)
    # Noise does not compress: just over the 2 MB limit, under the cap before reading.
    noisy = Image.frombytes("RGB", (840, 840), random.Random(7).randbytes(840 * 840 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert 2 * 1024 * 1024 < len(out.getvalue()) < 2 * 1024 * 1024 + 64 * 1024
    response = await client.post(
        "/api/v1/profile/logo", files={"file": ("huge.png", out.getvalue())}, headers=headers
    )
    assert response.status_code == 422 and "too large" in response.json()["detail"]
    assert _stored_files(tmp_path) == []


@pytest.mark.parametrize(
    "path",
    [
        "/media/private/x.png",
        "/media/public/../secret",
        "/media/public/none.png",
        "/media/%2e%2e/x",
    ],
)
async def test_media_serves_only_public_keys_that_exist(
    client: httpx.AsyncClient, path: str
) -> None:
    assert (await client.get(path)).status_code == 404


async def test_subscriber_page_saves_and_reshows_errors(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    csrf = await browser_as(client, db)
    page = await client.get("/profile")
    assert page.status_code == 200 and "Service area" in page.text
    form = {
        "csrf_token": csrf,
        "business_name": "Sunny Pools",
        "business_phone": "305 555 0123",
        "services": ["pool", "lawn"],
        "zip_codes": "33139, 33140",
        "center_lat": "25.77",
        "center_lon": "-80.19",
        "radius_miles": "5",
        "brand_voice": "casual",
        "target_intent": "distressed",
        "target_zip": "33139",
    }
    saved = await client.post("/profile", data=form)
    assert saved.status_code == 303
    body = (await client.get("/api/v1/profile", headers={"X-CSRF-Token": csrf})).json()
    assert body["services_offered"] == ["pool", "lawn"]
    assert body["service_area"] == {
        "zip_codes": ["33139", "33140"],
        "center": {"lat": 25.77, "lon": -80.19},
        "radius_miles": 5.0,
    }
    assert body["target_criteria"] == {"intent": "distressed", "zip": ["33139"]}
    refused = await client.post("/profile", data={**form, "radius_miles": "500", "center_lon": ""})
    assert refused.status_code == 422
    assert 'id="center_lon-error"' in refused.text
    assert 'value="500"' in refused.text  # what was typed is shown again


async def test_logo_page_upload_refuses_a_renamed_script(
    client: httpx.AsyncClient, db: AsyncSession, tmp_path: Path
) -> None:
    csrf = await browser_as(client, db)
    await client.get("/profile")
    response = await client.post(
        "/profile/logo",
        data={"csrf_token": csrf},
        files={"logo": ("logo.png", b"#!/bin/sh\necho owned\n", "image/png")},
    )
    assert response.status_code == 422
    assert 'id="logo-error"' in response.text
    assert _stored_files(tmp_path) == []
    accepted = await client.post(
        "/profile/logo", data={"csrf_token": csrf}, files={"logo": ("logo.png", png())}
    )
    assert accepted.status_code == 303
    assert 'data-testid="logo"' in (await client.get("/profile")).text


async def test_homeowner_page_shows_the_matched_home(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    address = "40 PALM AVE, HIALEAH, FL 33010"
    await make_property(
        db, street_address="40 PALM AVE", address_key="40 PALM AVE", zip_code="33010",
        full_address=address,
    )  # fmt: skip
    csrf = await browser_as(client, db, UserType.HOMEOWNER)
    form = {
        "csrf_token": csrf,
        "full_name": "Luis",
        "address": "40 Palm Avenue",
        "zip_code": "33010",
    }
    assert (await client.post("/profile", data=form)).status_code == 303
    page = await client.get("/profile")
    assert 'data-testid="matched-property"' in page.text and "40 PALM AVE, HIALEAH" in page.text
    bad = await client.post("/profile", data={**form, "phone_number": "123"})
    assert bad.status_code == 422 and 'id="phone_number-error"' in bad.text


async def test_an_upload_far_over_the_cap_is_refused_before_it_is_read(
    client: httpx.AsyncClient, db: AsyncSession, tmp_path: Path
) -> None:
    headers = await api_as(client, db)
    huge = b"\x89PNG" + b"\x00" * (3 * 1024 * 1024)
    response = await client.post(
        "/api/v1/profile/logo", files={"file": ("huge.png", huge)}, headers=headers
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]

    async def chunks():  # no Content-Length: counted as it arrives
        yield (
            b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            b"Content-Type: image/png\r\n\r\n"
        )
        for _ in range(64):
            yield b"\x00" * 65536

    streamed = await client.post(
        "/api/v1/profile/logo",
        content=chunks(),
        headers={**headers, "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert streamed.status_code == 413
    assert _stored_files(tmp_path) == []


async def test_the_pages_and_their_errors_in_spanish(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    spanish = {"Accept-Language": "es"}
    csrf = await browser_as(client, db)
    page = await client.get("/profile", headers=spanish)
    assert "Perfil de la empresa" in page.text and "Zona de servicio" in page.text
    assert "unifamiliar" in page.text  # property types by their Spanish names
    refused = await client.post(
        "/profile",
        data={"csrf_token": csrf, "business_phone": "12", "zip_codes": "331"},
        headers=spanish,
    )
    assert refused.status_code == 422
    assert "Escriba un número de teléfono de EE. UU. (10 dígitos)." in refused.text
    assert "331 no es un código postal de 5 dígitos." in refused.text
