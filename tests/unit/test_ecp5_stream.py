"""The ECP5 command-stream reader (harness/build/ecp5_stream.py) on streams written here the way
ecppack writes them (Trellis Bitstream::serialise_chip): its CRC, the part check, the frame a
corruption is in, DONE. Real ecppack output is read in tests/loader/."""
from sailbench.harness.build import ecp5_stream as es

IDCODE_45 = 0x81112043
FRAME_BYTES_45 = 106


class Writer:
    """Bytes the way Trellis's BitstreamReadWriter writes them: `write` counts in the CRC, `dummy` does not."""

    def __init__(self) -> None:
        self.out, self.crc = bytearray(), 0

    def write(self, data: bytes) -> None:
        self.out.extend(data)
        self.crc = es.crc16(data, self.crc)

    def dummy(self, count: int) -> None:
        self.out.extend(b"\xff" * count)

    def insert_crc(self) -> None:
        value = self.crc
        self.out.extend(value.to_bytes(2, "big"))
        self.crc = 0


def stream(idcode: int = IDCODE_45, frames: int = 3, done: bool = True, corrupt_frame: int | None = None) -> bytes:
    """Header, preamble, RESET_CRC, VERIFY_ID, CNTRL0, INIT_ADDRESS, plain frames with a CRC after each,
    usercode, DONE: the order and CRC rules of ecppack (serialise_chip)."""
    w = Writer()
    w.out.extend(b"\xff\x00Part: LFE5UM5G-45F\x00\xff" + es.PREAMBLE)
    w.dummy(4)
    w.write(b"\x3b\x00\x00\x00")
    w.crc = 0
    w.write(b"\xe2\x00\x00\x00" + idcode.to_bytes(4, "big") + b"\x22\x00\x00\x00\x40\x00\x00\x00")
    w.write(b"\x46\x00\x00\x00" + bytes([0x82, 0x91, frames >> 8, frames & 0xFF]))
    for i in range(frames):
        w.write(bytes((i + n) & 0xFF for n in range(FRAME_BYTES_45)))
        if corrupt_frame == i:
            w.out[-20] ^= 0x01
        w.insert_crc()
        w.write(b"\xff")
    w.dummy(12)
    w.write(b"\xc2\x80\x00\x00\x00\x00\x00\x00")
    w.insert_crc()
    if done:
        w.write(b"\x5e\x00\x00\x00")
    w.dummy(4)
    return bytes(w.out)


def test_crc16_is_the_0x8005_crc_with_zero_init():
    assert es.crc16(b"123456789") == 0xFEE8           # CRC-16/BUYPASS check value


def test_a_good_stream_is_accepted():
    rep = es.check_stream(stream(), IDCODE_45)
    assert rep.ok and rep.frames == rep.frames_expected == 3 and rep.usercode == 0 and not rep.compressed


def test_the_frame_with_a_bad_crc_is_named():
    rep = es.check_stream(stream(corrupt_frame=1), IDCODE_45)
    assert (rep.error, rep.frame, rep.frames) == (es.BSE_CRC, 1, 1) and not rep.done
    assert rep.message.startswith("CRC error in frame 1 of 3 (CRC at byte ")


def test_another_part_is_an_id_error():
    rep = es.check_stream(stream(idcode=0x01112043), IDCODE_45)
    assert rep.error == es.BSE_ID and "names IDCODE 0x01112043, this part is 0x81112043" in rep.message


def test_no_done_no_preamble_unknown_command():
    assert es.check_stream(stream(done=False), IDCODE_45).error == es.BSE_EOF
    assert es.check_stream(b"\xff\x00\x00\xff" * 8).error == es.BSE_PREAMBLE
    bad = stream().replace(b"\x46\x00\x00\x00", b"\x47\x00\x00\x00", 1)
    rep = es.check_stream(bad, IDCODE_45)
    assert rep.error == es.BSE_CMD and "unknown command 0x47" in rep.message
