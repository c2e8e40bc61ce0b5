"""What other domains use of the assistant (outreach offers the subscriber's active scripts and
counts their use). Pages and API of the assistant use its modules directly."""

from __future__ import annotations

from propintel.assistant.scripts import (
    ScriptRef,
    active_script,
    active_scripts,
    mark_script_used,
)

__all__ = ["ScriptRef", "active_script", "active_scripts", "mark_script_used"]
