"""What the assistant holds of one account, for its export and its erasure ("Your data",
docs/accounts.md): the subscriber's knowledge base, scripts, AI call templates and chat
conversations (their messages are ``conversation_history``'s, exported by ``account_data``).

The generated search columns (``search_en`` / ``search_es``, revision 0019) are left out of the
export: they are the database's index of the title and text, which the export already holds."""

from __future__ import annotations

import uuid

from sqlalchemy import Table, delete

from propintel.assistant.tables import call_templates, knowledge_base, scripts, threads
from propintel.db.export import Export, ExportingRepository, owned_by

_SEARCH_COLUMNS = ("search_en", "search_es")


def _export(table: Table, key: str, *, omit: tuple[str, ...] = ()) -> Export:
    return Export(table, table.c[key], owned_by(table.c.user_id), omit=omit)


EXPORTS: dict[str, Export] = {
    "subscriber_knowledge_base": _export(knowledge_base, "kb_id", omit=_SEARCH_COLUMNS),
    "subscriber_scripts": _export(scripts, "script_id", omit=_SEARCH_COLUMNS),
    "ai_call_templates": _export(call_templates, "template_id"),
    "assistant_threads": _export(threads, "thread_id"),
}


class AssistantDataRepository(ExportingRepository):
    exports = EXPORTS

    async def erase(self, user_id: uuid.UUID) -> None:
        """Delete the account's knowledge base, call templates, scripts and conversations (with
        their messages). Call it after the leads' erasure: the AI calls that used a script are
        deleted with the leads."""
        for table in (knowledge_base, call_templates, scripts, threads):
            await self.session.execute(delete(table).where(table.c.user_id == user_id))
