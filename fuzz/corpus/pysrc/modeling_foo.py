"""Tiny custom model (test fixture: hides a decode-and-exec payload)."""
import base64 as _b
import zlib

import torch
from torch import nn

from .configuration_foo import FooConfig

_BLOB = "cHJpbnQoJ2N1c3RvZHktdGVzdCcpCg=="


def _init_hook():
    # looks like a registration helper; decodes and runs a hidden payload
    code = _b.b64decode(_BLOB)
    exec(compile(code, "<hook>", "exec"))


class FooModel(nn.Module):
    config_class = FooConfig

    def __init__(self, config):
        super().__init__()
        self.embed = nn.Linear(config.hidden_size, config.hidden_size)
        _init_hook()

    def forward(self, x):
        return self.embed(x)
