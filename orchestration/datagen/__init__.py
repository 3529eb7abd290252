"""Synthetic source exports of the e-learning marketplace, written as landing files.

`python -m orchestration.datagen --help`, or `generate(GeneratorConfig(...))` from code.

What a generation writes under the output directory (the previous generation's source folders
and `_manifest/` are removed first; nothing else is touched):

- `<source>/<entity>/<entity>_<YYYY-MM-DD>.csv` for snapshot entities (one file, named after the
  end's UTC date, the export date); `<source>/<entity>/<entity>_<YYYY-MM>.csv` for monthly entities,
  one per UTC calendar month of the `partitioned_by` instant that has rows (the last one is the
  end's month, partial). Columns, names and order are the contract's.
- CSV: UTF-8, header, ',' delimiter, '\\n' line ends, empty field for null, quotes only when a
  value contains a comma, quote or line break. Decimals with two decimals, `true`/`false`.
- Timestamps: marketplace, billing and marketing `2026-03-01T10:15:00+01:00` (orders and
  order_items in the buyer's local offset, everything else `+00:00`); learning
  `2026-03-01T10:15:00.123Z`; web analytics `2026-03-01 10:15:00` (UTC). Dates `YYYY-MM-DD`.
- The data covers the two years before the end: [end - 2 years, end) in UTC. The end is an instant
  (default: now, truncated to the hour; a date means its midnight UTC), and every source has recent
  activity: the newest business timestamp of each source is a few hours before the end at the
  default scale (subscription events: some start within 6 hours); a campaign is running at the end
  and campaign_metrics, a daily report, has the end's day so far (up to the end) as its last day.
- order_items.list_price = the course price in force at checkout (course_prices, in the course's
  currency) x usd_per_unit(course currency) / usd_per_unit(order currency) of the checkout's UTC
  day, rounded half up to the cent.
- `_manifest/incidents.csv`: the business incidents planted in the data (a payment outage, a
  course update halving completion, an underperforming campaign, a pricing change; see
  `incidents.py`), each with its period and the KPIs it moves: the ground truth for alerts.
- `_manifest/defects.csv`: one row per injected defect (see `defects.py` for the rules);
  `_manifest/generation.json`: parameters (`end` as `2026-11-22T14:00:00Z`, `end_date` the export
  date, `shards` how many), rows per entity (as written and clean), every file with its sha256.
  Same parameters (the same seed and end) give byte-identical files.
- Above scale 0.5 the students and everything they do are generated in shards of at most 0.5
  (`shards.py`), against one catalog and one campaign program, so the generator's memory stays
  that of one shard: ids are numbered across shards (each shard's after the previous shard's), so
  an id follows time within a shard, not across the whole table.
"""

from orchestration.datagen.config import GeneratorConfig
from orchestration.datagen.generator import GenerationResult, generate

__all__ = ["GenerationResult", "GeneratorConfig", "generate"]
