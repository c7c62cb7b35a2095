"""Configuration of the tiny custom model (test fixture, harmless)."""
from transformers import PretrainedConfig


class FooConfig(PretrainedConfig):
    model_type = "foo"

    def __init__(self, hidden_size=3, **kwargs):
        self.hidden_size = hidden_size
        super().__init__(**kwargs)
