{#
  Amounts and counts stored in the marts, cast to the narrowest type that holds them.
  Why: DuckDB keeps a DECIMAL of up to 18 digits in 64 bits, a wider one in 128 bits (HUGEINT),
  and it scans a stored 128-bit column some 40 times slower (about 0.4 s per 1 M rows and
  column against 0.01 s). quantity * unit_price is DECIMAL(37, 2) and sum() widens to
  DECIMAL(38, 2) or HUGEINT, so without these casts every read of a fact amount pays for it.
  The values are the same (cents, far below 10^16); sums over these columns are still exact and
  still DECIMAL(38, 2) / HUGEINT, so the consumption tables keep their types. BigQuery accepts
  the same parameterized cast (NUMERIC(18, 2), INT64); its column types do not change.
#}
{% macro amount(expr) -%}
    cast({{ expr }} as numeric(18, 2))
{%- endmacro %}

{% macro whole_count(expr) -%}
    cast({{ expr }} as {{ dbt.type_int() }})
{%- endmacro %}
