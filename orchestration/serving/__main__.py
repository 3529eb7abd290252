"""`python -m orchestration.serving [publish|export|status]`.

publish (default): copy marts and audit of the warehouse ($WAREHOUSE_PATH) to the serving file
    ($SERVING_PATH, default data/serving.duckdb) if the latest build passed its data quality
    validation, then export the marts to Parquet ($EXPORT_DIR, default data/export). Exit 1 when
    nothing was published (the serving file is left as it was) or the export failed.
export: export the serving file's marts to Parquet with a manifest (no publish).
status: what the serving file and the export hold now.
"""

from __future__ import annotations

import argparse
import sys

from orchestration.pipeline_lock import LockBusy, warehouse_lock
from orchestration.serving.export import ExportError, export_marts, read_manifest
from orchestration.serving.publish import STORAGE_VERSION, PublishError, current_publish, publish_step, serving_status
from orchestration.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.serving",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", nargs="?", default="publish", choices=("publish", "export", "status"))
    parser.add_argument(
        "--run-id", help="the run this publish belongs to, recorded in publish_log (default: generated)"
    )
    parser.add_argument("--no-export", action="store_true", help="publish without the Parquet export")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        if args.command == "publish":
            with warehouse_lock(settings.warehouse_path):  # what it publishes must not change under it
                publish_step(settings, args.run_id, export=not args.no_export)
        elif args.command == "export":
            print("\n".join(export_marts(settings.serving_path, settings.export_dir).lines()))
        else:
            print(serving_status(settings.serving_path) + f" (written as DuckDB storage {STORAGE_VERSION})")
            try:
                manifest = read_manifest(settings.export_dir)
            except ExportError as error:
                print(error)
            else:
                exported = manifest["publish"].get("publish_id")
                current = (current_publish(settings.serving_path) or {}).get("publish_id")
                behind = "" if exported == current else " (not the serving file's publish: run the export command)"
                print(
                    f"export {settings.export_dir} holds publish {exported}, {len(manifest['tables'])} tables{behind}"
                )
    except (PublishError, ExportError, LockBusy) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
