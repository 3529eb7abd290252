"""Landing: load landing files into the `raw` schema, exactly as they arrived, with a ledger."""

from orchestration.landing.loader import FileResult, LandingReport, land

__all__ = ["FileResult", "LandingReport", "land"]
