"""A Parquet findings table (`--output-format parquet -o findings.parquet`), for the data
teams who query findings with SQL or DataFrames. Needs pyarrow: pip install copydesk[parquet]."""

from __future__ import annotations

from lint.errors import UsageError

ROWS_PER_GROUP = 50_000
COLUMNS = ("path", "line", "column", "end_line", "end_column", "code", "name", "severity",
           "message", "fix")


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ModuleNotFoundError:
        raise UsageError("--output-format parquet needs pyarrow: pip install 'copydesk[parquet]'") from None
    return pyarrow


def schema():
    pa = _pyarrow()
    return pa.schema([
        ("path", pa.string()), ("line", pa.int32()), ("column", pa.int32()),
        ("end_line", pa.int32()), ("end_column", pa.int32()), ("code", pa.string()),
        ("name", pa.string()), ("severity", pa.string()), ("message", pa.string()),
        ("fix", pa.string()),  # null, "safe" or "unsafe"
    ])


def _row(f) -> tuple:
    loc = f.location
    return (f.path, loc.line, loc.column, loc.end_line, loc.end_column, f.code, f.name,
            str(f.severity), f.message, str(f.fix.applicability) if f.fix is not None else None)


class ParquetStream:
    """Row groups written as findings arrive; memory holds one group at most."""

    def __init__(self, output_file):
        if output_file is None:
            raise UsageError("--output-format parquet writes a file: give -o findings.parquet")
        pa = _pyarrow()
        self.schema = schema()
        try:
            self.writer = pa.parquet.ParquetWriter(str(output_file), self.schema)
        except OSError as exc:
            raise UsageError(f"cannot write {output_file}: {exc}") from None
        self.rows: list[tuple] = []

    def write(self, findings) -> None:
        self.rows.extend(_row(f) for f in findings)
        if len(self.rows) >= ROWS_PER_GROUP:
            self._flush()

    def _flush(self) -> None:
        pa = _pyarrow()
        columns = list(zip(*self.rows)) if self.rows else [[] for _ in COLUMNS]
        table = pa.Table.from_arrays([pa.array(c, type=t.type) for c, t in zip(columns, self.schema)],
                                     schema=self.schema)
        self.writer.write_table(table)
        self.rows = []

    def close(self) -> None:
        if self.rows:
            self._flush()
        self.writer.close()


def render(report) -> str:  # pragma: no cover - parquet is always streamed
    raise UsageError("--output-format parquet writes a file: give -o findings.parquet")
