"""A database outage on demand: a TCP proxy in front of the test PostgreSQL. ``cut()`` closes every
connection through it and refuses new ones (what clients see when the server restarts);
``restore()`` listens again on the same port. The shared test server itself is never stopped."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit


class OutageProxy:
    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        assert parts.hostname and parts.port
        self._target = (parts.hostname, parts.port)
        self._parts = parts
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        """The target's URL with the proxy's port."""
        netloc = self._parts.netloc.rsplit(":", 1)[0] + f":{self.port}"
        return urlunsplit(self._parts._replace(netloc=netloc))

    async def restore(self) -> None:
        self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()
        await self._server.wait_closed()
        self._server = None

    async def _pipe(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        try:
            server_reader, server = await asyncio.open_connection(*self._target)
        except OSError:
            client.close()
            return
        self._writers |= {client, server}
        await asyncio.gather(
            _copy(client_reader, server), _copy(server_reader, client), return_exceptions=True
        )
        self._writers -= {client, server}


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def outage_proxy(target_url: str) -> AsyncIterator[OutageProxy]:
    proxy = OutageProxy(target_url)
    await proxy.restore()
    try:
        yield proxy
    finally:
        with contextlib.suppress(AssertionError):
            await proxy.cut()
