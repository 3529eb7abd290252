"""Onboarding an unknown export: propose a source mapping (`profile`) and dry-run it (`check`).

`python -m orchestration.onboard profile <dir>` reads a folder of CSV files, guesses which
contract entity each file holds and how its columns, dates and values map onto the contract, and
writes one mapping YAML per source system (orchestration/mapping.py's format) with what needs a
person's review marked `review:`. `python -m orchestration.onboard check <dir> --mappings <dir>`
lands the export with those mappings into a scratch warehouse, builds staging there with the real
dbt project, and reports per file and column what would stage, be quarantined, and why.

Modules: `names` (column and entity matching), `formats` (date formats), `values` (enum values,
countries, id shapes), `globs` (file patterns), `export` (reading the files with DuckDB),
`profile` (the proposal), `proposal` (its YAML), `outcomes` (what a staged scratch warehouse
says), `check` (the dry run).
"""
