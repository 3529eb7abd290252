"""Synthetic source exports of the e-learning marketplace, written as landing files.

`python -m orchestration.datagen --help`, or `generate(GeneratorConfig(...))` from code.
"""

from orchestration.datagen.config import GeneratorConfig
from orchestration.datagen.generator import GenerationResult, generate

__all__ = ["GenerationResult", "GeneratorConfig", "generate"]
