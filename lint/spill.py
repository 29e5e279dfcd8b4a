"""Records of plain data (marshal) on a temporary file, written and read back a block at a
time: how a run keeps what it needs again at the end without holding it in memory."""

from __future__ import annotations

import marshal
from typing import Iterator

_BLOCK = 65536  # bytes written, and read back, at a time


class RecordFile:
    def __init__(self) -> None:
        import tempfile

        self._file = tempfile.TemporaryFile()
        self._pending: list[bytes] = []  # length-prefixed records not yet written
        self._pending_size = 0
        self._written = 0

    def write(self, record) -> None:
        data = marshal.dumps(record)
        self._pending += (len(data).to_bytes(4, "little"), data)
        self._pending_size += 4 + len(data)
        if self._pending_size >= _BLOCK:
            self._flush()

    def tell(self) -> int:
        """Where the next record goes: records between two offsets read back with read()."""
        return self._written + self._pending_size

    def _flush(self) -> None:
        self._file.seek(self._written)  # a read may have moved the position
        self._file.write(b"".join(self._pending))
        self._written += self._pending_size
        self._pending, self._pending_size = [], 0

    def read(self, start: int = 0, end: int | None = None, block: int = _BLOCK) -> Iterator:
        """The records from offset `start` to `end` (default: all), in order; several
        readers may take turns."""
        if self._pending:
            self._flush()
        self._file.flush()
        end = self._written if end is None else end
        pending = b""
        while start < end:
            # seek and read together (no os.pread: Windows has none), so readers can alternate
            self._file.seek(start)
            chunk = self._file.read(min(block, end - start))
            start += len(chunk)
            pending += chunk
            at = 0
            while len(pending) - at >= 4:
                size = int.from_bytes(pending[at:at + 4], "little")
                if len(pending) - at - 4 < size:
                    break
                yield marshal.loads(pending[at + 4:at + 4 + size])
                at += 4 + size
            pending = pending[at:]

    def close(self) -> None:
        self._file.close()
