"""RecordFile: records written in blocks read back in order, by offset range, while more
records are still being written."""

from lint.spill import RecordFile


def test_records_read_back_in_order_across_blocks_while_writing_goes_on():
    spill = RecordFile()
    try:
        for i in range(5000):
            spill.write((i, "x" * (i % 50), b"\x00" * (i % 7)))
        middle = spill.tell()
        reader = spill.read(0, middle, block=100)  # blocks smaller than most records
        first = [next(reader) for _ in range(5)]
        for i in range(5000, 5010):  # a write between two reads must land at the end
            spill.write((i, "y", b""))
        rest = list(reader)
        assert [r[0] for r in first + rest] == list(range(5000))
        assert first[3] == (3, "xxx", b"\x00\x00\x00")
        assert [r[0] for r in spill.read(middle)] == list(range(5000, 5010))
        assert [r[0] for r in spill.read()] == list(range(5010))
    finally:
        spill.close()


def test_an_empty_record_file_reads_nothing():
    spill = RecordFile()
    assert list(spill.read()) == [] and spill.tell() == 0
    spill.close()
