"""Settings: each is an environment variable prefixed ``PROPINTEL_`` (or a line in ``.env``)."""

from __future__ import annotations

import hashlib
import os
import secrets
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from argon2.profiles import RFC_9106_LOW_MEMORY
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# OpenStreetMap's standard tiles and the attribution their usage policy requires
# (https://operations.osmfoundation.org/policies/tiles/).
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


class Settings(BaseSettings):
    """Runtime configuration. Documented one by one in README.md (configuration table)."""

    model_config = SettingsConfigDict(env_prefix="PROPINTEL_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="External PostgreSQL 15+ with PostGIS. Unset: the embedded cluster is used.",
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / ".data",
        description="Where the embedded cluster, the secret key and other local state live.",
    )
    embedded_port: int = Field(default=54329, description="TCP port of the embedded cluster.")
    database_pooler: Literal["none", "transaction"] = Field(
        default="none",
        description="`transaction`: the database URL is a transaction-pooling PgBouncer, so the "
        "web sessions use no prepared statements and send no startup options.",
    )
    embedded_database: str = Field(default="propintel", description="Database name (embedded).")
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs session cookies and CSRF tokens. Unset: generated once into data_dir.",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token a Prometheus scraper sends to GET /metrics. Unset: only an "
        "admin's session may read it.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web server binds to.")
    web_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="Web server processes `propintel serve` runs. Default: one per CPU core.",
    )
    port: int = Field(default=8000, validation_alias="PORT", description="Web server port.")
    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="development | test | production. Anything else is refused: production "
        "makes cookies Secure, only development shows the demo logins.",
    )
    firebase_project_id: str | None = Field(
        default=None, description="Accept Firebase ID tokens for this project when set."
    )
    firebase_web_api_key: str | None = Field(
        default=None,
        description="The Firebase project's web API key; with the project id, the log-in and "
        "sign-up pages offer Firebase sign-in (e-mail/password and Google).",
    )
    firebase_auth_domain: str | None = Field(
        default=None,
        description="Firebase Auth domain of the web sign-in. Unset: <project>.firebaseapp.com.",
    )
    session_max_age_hours: int = Field(default=24 * 14, description="Web session lifetime.")
    api_token_max_age_days: int = Field(default=30, description="API bearer token lifetime.")
    login_free_failures: int = Field(
        default=5,
        ge=1,
        description="Wrong passwords for one account from one address before each further "
        "attempt from it must wait (a growing delay).",
    )
    login_delay_seconds: int = Field(
        default=30, ge=1, description="The first wait; it doubles with each further failure."
    )
    login_max_delay_seconds: int = Field(
        default=15 * 60, ge=1, description="The longest wait between two log-in attempts."
    )
    login_max_failures_per_account: int = Field(
        default=10,
        ge=1,
        description="Wrong passwords for one account from anywhere (last day) before addresses "
        "it has not logged in from must wait too.",
    )
    login_max_failures_per_ip: int = Field(default=20, description="Per 15 minutes.")
    # Argon2id cost of new password hashes; a hash keeps the cost it was made with, and a log-in
    # re-hashes one made at another cost. Defaults: argon2-cffi's (RFC 9106 low-memory profile).
    argon2_time_cost: int = Field(
        default=RFC_9106_LOW_MEMORY.time_cost, ge=1, description="Argon2id passes over memory."
    )
    argon2_memory_kib: int = Field(
        default=RFC_9106_LOW_MEMORY.memory_cost,
        ge=8,
        description="Argon2id memory per hash, in KiB (at least 8 per lane).",
    )
    argon2_parallelism: int = Field(
        default=RFC_9106_LOW_MEMORY.parallelism, ge=1, description="Argon2id lanes."
    )
    demo_parcels: int = Field(default=20_000, description="Parcels generated on first `make run`.")
    new_homeowner_days: int = Field(
        default=365,
        ge=1,
        le=3650,
        description="A residential sale at most this many days ago makes a new homeowner.",
    )
    log_level: str = Field(default="INFO", description="Python log level.")
    log_file: Path | None = Field(
        default=None,
        description="Write the JSON log lines to this file (warnings and errors also appear on "
        "the console). Unset: JSON lines on stdout. `propintel run` uses <data_dir>/logs.",
    )
    retention_conversation_days: int = Field(
        default=90, ge=1, description="`maintenance cleanup` deletes older conversation_history."
    )
    retention_email_log_days: int = Field(
        default=180, ge=1, description="`maintenance cleanup` deletes older email_workflow_logs."
    )
    retention_job_history_days: int = Field(
        default=30,
        ge=1,
        description="`maintenance cleanup` deletes older job_runs and finished queue jobs.",
    )
    stripe_secret_key: SecretStr | None = Field(
        default=None,
        description="Stripe API key (sk_…). Unset: the offline payment simulator is used.",
    )
    stripe_webhook_secret: SecretStr | None = Field(
        default=None,
        description="Stripe webhook signing secret (whsec_…). Unset: derived from the secret key.",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The site's public URL, for links in checkouts and emails.",
    )
    backup_dir: Path | None = Field(
        default=None, description="Where `maintenance backup` writes. Unset: <data_dir>/backups."
    )
    backup_keep: int = Field(
        default=7, ge=1, description="The scheduled backup keeps this many newest backups."
    )
    sendgrid_api_key: SecretStr | None = Field(
        default=None,
        description="Send email through SendGrid. Unset: the local outbox (/outbox), nothing sent.",
    )
    email_from: str = Field(
        default="PropIntel <alerts@propintel.example>",
        description="Sender of PropIntel's emails (a SendGrid-verified sender in production).",
    )
    storage_bucket: str | None = Field(
        default=None,
        description="Keep uploads (logos) in this S3 bucket. Unset: on local disk "
        "(<data_dir>/media).",
    )
    storage_endpoint_url: str | None = Field(
        default=None, description="S3-compatible endpoint (MinIO, R2…). Unset: AWS S3."
    )
    storage_region: str | None = Field(default=None, description="The bucket's region.")
    storage_prefix: str = Field(default="", description="Folder of every upload in the bucket.")
    logo_max_bytes: int = Field(
        default=2 * 1024 * 1024, ge=1024, description="Largest logo file accepted, in bytes."
    )
    verification_document_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        description="Largest contractor verification document accepted (PDF, JPEG, PNG), in bytes.",
    )
    import_upload_max_bytes: int = Field(
        default=1024 * 1024 * 1024,
        ge=1024,
        description="Largest data file an admin may upload for import (/admin/imports), in bytes.",
    )
    import_upload_keep_days: int = Field(
        default=30,
        ge=0,
        description="Uploaded import files are kept this many days after upload for audit, then "
        "`maintenance cleanup` deletes them; 0: deleted as soon as their import ends.",
    )
    worker_concurrency: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Jobs one `propintel worker` runs at the same time (`--concurrency` "
        "overrides it).",
    )

    # --- outreach (docs/outreach.md) ---------------------------------------------------------
    contact_freshness_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="An owner's skip-traced contact is reused (no provider call) this many days; "
        "after that an unlock refreshes it.",
    )
    owner_fatigue_limit: int = Field(
        default=6,
        ge=1,
        description="At most this many subscribers may contact one owner per rolling 30 days.",
    )
    batchdata_api_key: SecretStr | None = Field(
        default=None,
        description="BatchData skip-trace API key. Unset: the offline skip-trace simulator.",
    )
    batchdata_base_url: str = Field(
        default="https://api.batchdata.com", description="BatchData's API root."
    )
    twilio_account_sid: str | None = Field(
        default=None, description="Twilio account SID (AC…). With the auth token: real SMS."
    )
    twilio_auth_token: SecretStr | None = Field(
        default=None,
        description="Twilio auth token; also verifies X-Twilio-Signature. Unset: the on-screen "
        "phone simulator.",
    )
    twilio_from_number: str | None = Field(
        default=None,
        description="The platform's SMS sender (E.164), used when a subscriber has no number.",
    )
    sendgrid_event_public_key: str | None = Field(
        default=None,
        description="SendGrid Event Webhook verification key (base64). Unset with SendGrid: "
        "events are refused; offline: the outbox signs with a derived key.",
    )
    sendgrid_inbound_secret: SecretStr | None = Field(
        default=None,
        description="Secret path segment of the Inbound Parse webhook (replies). Unset: derived "
        "from the secret key.",
    )
    marketplace_match_limit: int = Field(
        default=5,
        ge=1,
        le=50,
        description="At most this many contractors are offered one homeowner's job.",
    )
    marketplace_photo_max_bytes: int = Field(
        default=5 * 1024 * 1024,
        ge=1024,
        description="Largest photo a homeowner may attach to a job (at most 5 a job).",
    )
    together_api_key: SecretStr | None = Field(
        default=None,
        description="Together AI API key: the assistant's chat model. Unset: the offline "
        "assistant, which composes answers from your knowledge base and the lead's record.",
    )
    together_model: str = Field(
        default="meta-llama/Llama-3.3-70B-Instruct-Turbo",
        description="The Together chat model the assistant uses.",
    )
    chat_max_answer_tokens: int = Field(
        default=1024,
        ge=64,
        le=8192,
        description="Longest assistant answer, in LLM tokens (its credits are held before asking).",
    )
    data_encryption_key: SecretStr | None = Field(
        default=None,
        description="Fernet key that encrypts stored third-party secrets (CRM API keys, calendar "
        "refresh tokens). Unset: derived from the secret key.",
    )
    voice_max_call_minutes: int = Field(
        default=15,
        ge=3,
        le=60,
        description="Longest AI call a subscriber may place (credits held before dialling).",
    )
    voice_max_turns: int = Field(
        default=8,
        ge=1,
        le=30,
        description="Most answers the AI caller gives in one call before it says goodbye.",
    )
    voice_numbers_per_subscriber: int = Field(
        default=3, ge=1, le=50, description="Most phone numbers one subscriber may hold at once."
    )
    voice_number_monthly_cost_usd: Decimal = Field(
        default=Decimal("1.15"),
        ge=0,
        description="What one local number costs the platform a month (recorded as a provider "
        "cost each month a number is held).",
    )
    gemini_api_key: SecretStr | None = Field(
        default=None,
        description="Gemini API key: AI calls speak with Gemini text-to-speech audio. Unset: "
        "Twilio's own voice (<Say>).",
    )
    gemini_tts_model: str = Field(
        default="gemini-2.5-flash-preview-tts",
        description="The Gemini text-to-speech model (names change: keep it current).",
    )
    gemini_tts_voice: str = Field(
        default="Kore", description="The Gemini prebuilt voice AI calls speak with."
    )
    google_oauth_client_id: str | None = Field(
        default=None,
        description="Google OAuth client id: subscribers may connect Google Calendar. Unset: not "
        "offered.",
    )
    google_oauth_client_secret: SecretStr | None = Field(
        default=None, description="Google OAuth client secret (with the client id)."
    )
    microsoft_oauth_client_id: str | None = Field(
        default=None,
        description="Microsoft (Entra ID) application id: subscribers may connect Microsoft 365 "
        "calendars. Unset: not offered.",
    )
    microsoft_oauth_client_secret: SecretStr | None = Field(
        default=None, description="Microsoft application client secret (with the client id)."
    )

    search_export_max_rows: int = Field(
        default=5_000, ge=1, le=1_000_000, description="Most rows one CSV export of a search sends."
    )
    map_tile_url: str | None = Field(
        default=OSM_TILE_URL,
        description="Leaflet tile URL template ({z}, {x}, {y}); `none`: no tiles, the points on "
        "a blank background.",
    )
    map_tile_attribution: str | None = Field(
        default=None,
        description="Attribution shown on maps for those tiles. Unset: OpenStreetMap's for its "
        "tiles, none for others.",
    )

    @field_validator("map_tile_url")
    @classmethod
    def _tile_template_or_none(cls, value: str | None) -> str | None:
        """``none`` (or nothing) turns tiles off; anything else must be a tile URL template."""
        value = (value or "").strip()
        if value.lower() in ("", "none"):
            return None
        has_placeholders = all(part in value for part in ("{z}", "{x}", "{y}"))
        if not value.startswith(("https://", "http://", "/")) or not has_placeholders:
            raise ValueError(
                "expected a tile URL template such as https://tile.example.org/{z}/{x}/{y}.png "
                "(with {z}, {x} and {y}), or `none` for maps without tiles"
            )
        return value

    @model_validator(mode="after")
    def _argon2_memory_for_every_lane(self) -> Settings:
        if self.argon2_memory_kib < 8 * self.argon2_parallelism:
            raise ValueError(
                "PROPINTEL_ARGON2_MEMORY_KIB must be at least 8 KiB per lane "
                f"(8 × PROPINTEL_ARGON2_PARALLELISM = {8 * self.argon2_parallelism})"
            )
        return self

    @model_validator(mode="after")
    def _osm_attribution_for_osm_tiles(self) -> Settings:
        if self.map_tile_attribution is None:
            self.map_tile_attribution = OSM_ATTRIBUTION if self.map_tile_url == OSM_TILE_URL else ""
        return self

    @property
    def backups_path(self) -> Path:
        return self.backup_dir or self.data_dir / "backups"

    @property
    def uses_stripe(self) -> bool:
        return self.stripe_secret_key is not None

    def stripe_webhook_signing_secret(self) -> str:
        """Stripe's ``whsec_…`` secret; offline, one derived from our signing key, so the
        simulator signs its events exactly as Stripe would and the same check verifies them."""
        if self.stripe_webhook_secret is not None:
            return self.stripe_webhook_secret.get_secret_value()
        digest = hashlib.sha256(f"stripe-webhook:{self.signing_key()}".encode()).hexdigest()
        return f"whsec_local_{digest[:40]}"

    @property
    def uses_twilio(self) -> bool:
        return self.twilio_account_sid is not None and self.twilio_auth_token is not None

    def derived_secret(self, purpose: str) -> str:
        """A secret for one purpose derived from the signing key (stable while the key is)."""
        return hashlib.sha256(f"{purpose}:{self.signing_key()}".encode()).hexdigest()

    @property
    def firebase_web_enabled(self) -> bool:
        """Firebase sign-in on the web pages: needs both the project id and the web API key."""
        return bool(self.firebase_project_id and self.firebase_web_api_key)

    @property
    def firebase_web_auth_domain(self) -> str:
        return self.firebase_auth_domain or f"{self.firebase_project_id}.firebaseapp.com"

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def cookie_secure(self) -> bool:
        return self.environment == "production"

    def signing_key(self) -> str:
        """The secret for signatures: configured, or created once (0600) under ``data_dir``."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_file.touch(mode=0o600)
            key_file.write_text(secrets.token_urlsafe(48))
        return key_file.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
