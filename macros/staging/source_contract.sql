{#- The landing contract of one source table, read from the `meta` that
    orchestration/render_sources.py writes into models/staging/_sources.yml:
    {key: [...], layout, partitioned_by, timezone, columns: [{name, type, required,
    accepted_values, min_value, max_value, references, export_name, values, formats,
    ambiguous_formats, defaulted, default}, ...], consistency_rules: [...]}, columns in file
    order, lineage columns left out; consistency_rules as in _sources.yml (kind not_before or
    exists_in). `name` is the contract's name, `export_name` the raw table's (the source
    mapping's); `values`, `formats`, `default` come from the source mapping too.

    It reads `graph`, which dbt fills at execute time only, and leaves empty in unit tests: a unit
    test of a base model states the contract it runs against with
    `overrides: {macros: {source_contract: {key: ..., columns: [...]}}}` (keys as above; omitted
    column fields take their defaults). -#}
{% macro source_contract(source_name, table_name) %}
    {%- if 'sources' not in graph -%}
        {{ exceptions.raise_compiler_error(
            "source_contract(" ~ source_name ~ ", " ~ table_name ~ "): `graph` is empty, as it is in"
            ~ " unit tests; give the contract with overrides: {macros: {source_contract: {...}}}"
        ) }}
    {%- endif -%}
    {%- set matches = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | list -%}
    {%- if matches | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "source_contract: no source '" ~ source_name ~ "." ~ table_name
            ~ "' in models/staging/_sources.yml"
        ) }}
    {%- endif -%}
    {%- set node = matches[0] -%}
    {%- set table_meta = node.config.meta or node.meta or {} -%}

    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- set meta = (column.config or {}).get('meta') or column.meta or {} -%}
        {%- if meta.get('type') -%}
            {%- set contract_column = {'name': column.name, 'export_name': column.name} -%}
            {%- do contract_column.update(meta) -%}
            {%- if meta.get('contract_name') -%}
                {%- do contract_column.update({'name': meta.contract_name}) -%}
            {%- endif -%}
            {%- do columns.append(contract_column) -%}
        {%- endif -%}
    {%- endfor -%}

    {{ return({
        'key': table_meta.get('key', []),
        'layout': table_meta.get('layout', 'snapshot'),
        'partitioned_by': table_meta.get('partitioned_by'),
        'columns': columns,
        'consistency_rules': table_meta.get('consistency_rules', []),
        'timezone': table_meta.get('timezone', 'UTC'),
    }) }}
{% endmacro %}


{#- The contract with every optional field present, checked for the mistakes that would
    otherwise compile into wrong SQL. -#}
{% macro complete_contract(contract, table_name) %}
    {%- set columns = [] -%}
    {%- for column in contract.get('columns', []) -%}
        {%- if not column.get('name') or not column.get('type') -%}
            {{ exceptions.raise_compiler_error(
                "contract of " ~ table_name ~ ": every column needs a name and a type: " ~ column
            ) }}
        {%- endif -%}
        {%- do columns.append({
            'name': column['name'],
            'type': column['type'],
            'required': column.get('required', false),
            'accepted_values': column.get('accepted_values') or [],
            'min_value': column.get('min_value'),
            'max_value': column.get('max_value'),
            'references': column.get('references'),
            'export_name': column.get('export_name') or column['name'],
            'values': column.get('values') or {},
            'formats': column.get('formats') or ['iso8601'],
            'ambiguous_formats': column.get('ambiguous_formats') or [],
            'defaulted': column.get('defaulted', false),
            'default': column.get('default'),
            'timezone': contract.get('timezone') or 'UTC',
        }) -%}
    {%- endfor -%}

    {%- set column_names = columns | map(attribute='name') | list -%}
    {%- set key = contract.get('key') or [] -%}
    {%- if not key -%}
        {{ exceptions.raise_compiler_error("contract of " ~ table_name ~ " has no key") }}
    {%- endif -%}
    {%- for name in key + [contract.get('partitioned_by')] | reject('none') | list -%}
        {%- if name not in column_names -%}
            {{ exceptions.raise_compiler_error(
                "contract of " ~ table_name ~ ": key or partition column '" ~ name
                ~ "' is not a contract column"
            ) }}
        {%- endif -%}
    {%- endfor -%}

    {%- set consistency_rules = contract.get('consistency_rules') or [] -%}
    {%- for rule in consistency_rules -%}
        {%- set own_columns = rule.get('columns', []) + [rule.get('column')]
            + (rule.get('anchors', []) | rejectattr('via') | map(attribute='timestamp') | list)
            + (rule.get('anchors', []) | selectattr('via') | map(attribute='via') | list) -%}
        {%- if rule.get('kind') not in ['not_before', 'exists_in']
            or own_columns | reject('none') | reject('in', column_names) | list -%}
            {{ exceptions.raise_compiler_error(
                "contract of " ~ table_name ~ ": consistency rule " ~ rule.get('name')
                ~ " has an unknown kind or names a column that is not a contract column: " ~ rule
            ) }}
        {%- endif -%}
    {%- endfor -%}

    {{ return({
        'key': key,
        'layout': contract.get('layout', 'snapshot'),
        'partitioned_by': contract.get('partitioned_by'),
        'columns': columns,
        'consistency_rules': consistency_rules,
        'timezone': contract.get('timezone') or 'UTC',
    }) }}
{% endmacro %}
