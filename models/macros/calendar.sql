{#
  ISO day of week (Monday = 1 ... Sunday = 7) without engine-specific date parts: the number of
  days since Monday 1900-01-01, modulo 7. DuckDB's dayofweek and BigQuery's DAYOFWEEK number
  the days differently (Sunday = 0 vs 1), this does not depend on either.
#}
{% macro iso_day_of_week(date_expr) -%}
    (mod({{ dbt.datediff("cast('1900-01-01' as date)", date_expr, 'day') }}, 7) + 1)
{%- endmacro %}

{# a / b as a float rounded to `digits`, NULL when b is 0 or NULL (BigQuery's SAFE_DIVIDE, portably). #}
{% macro ratio(numerator, denominator, digits=4) -%}
    round(cast({{ numerator }} as {{ dbt.type_float() }}) / nullif(cast({{ denominator }} as {{ dbt.type_float() }}), 0), {{ digits }})
{%- endmacro %}
