#!/usr/bin/python3
"""Regenerates the two demo models that `make demo` scans.

    /usr/bin/python3 examples/make_examples.py

clean-model.pt      a real torch state_dict of a tiny MLP, written by torch.save (zip format).
malicious-model.pt  a PyTorch-style zip (archive/data.pkl, archive/version, archive/byteorder)
                    whose data.pkl is a HAND-ASSEMBLED pickle: a state dict whose only value is
                    os.system('echo custody-demo: this would have run'). torch.load would run the
                    echo. The bytes are written opcode by opcode: no callable is ever pickled and
                    nothing here runs the payload.

Both outputs are byte-for-byte reproducible (fixed seed, fixed zip timestamps) and committed.
Needs Debian's /usr/bin/python3 with python3-torch (torch 1.13) for the clean model.
"""
import os
import struct
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PAYLOAD = "echo custody-demo: this would have run"


def binunicode(s):
    b = s.encode("utf-8")
    return b"X" + struct.pack("<I", len(b)) + b


def malicious_pickle():
    """Protocol 2: {'weight': os.system(PAYLOAD)}, opcode by opcode."""
    return b"".join([
        b"\x80\x02",                 # PROTO 2
        b"}",                        # EMPTY_DICT
        b"q\x00",                    # BINPUT 0
        binunicode("weight"),        # the key a state dict would hold
        b"cos\nsystem\n",            # GLOBAL 'os system'
        b"q\x01",                    # BINPUT 1
        binunicode(PAYLOAD),         # the argument
        b"\x85",                     # TUPLE1
        b"R",                        # REDUCE: os.system(PAYLOAD) on load
        b"q\x02",                    # BINPUT 2
        b"s",                        # SETITEM
        b".",                        # STOP
    ])


def write_stored(zf, name, data):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def make_malicious(path):
    with zipfile.ZipFile(path, "w") as zf:
        write_stored(zf, "archive/data.pkl", malicious_pickle())
        write_stored(zf, "archive/byteorder", b"little")
        write_stored(zf, "archive/version", b"3\n")


def make_clean(path):
    import torch  # Debian's python3-torch; only needed for this file

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    torch.save(model.state_dict(), path)


def main():
    make_malicious(os.path.join(HERE, "malicious-model.pt"))
    make_clean(os.path.join(HERE, "clean-model.pt"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
