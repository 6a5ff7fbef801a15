{#
  "Today" in this project is the scenario's as_of date, never the clock: these macros turn the
  scenario vars into typed SQL literals so that every model agrees on the same day.
#}

{% macro as_of_date() -%}
    cast('{{ var("as_of") }}' as date)
{%- endmacro %}

{% macro start_date() -%}
    cast('{{ var("start_date") }}' as date)
{%- endmacro %}

{# The first day of a window of `days` days that ends on as_of (inclusive): as_of - days + 1.
   dbt.dateadd returns a timestamp; cast back so that it compares with DATE columns on BigQuery. #}
{% macro window_start_date(days) -%}
    cast({{ dbt.dateadd('day', 1 - (days | int), as_of_date()) }} as date)
{%- endmacro %}
