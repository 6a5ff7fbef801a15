{% snapshot snap_products %}
{{
    config(
        target_schema='snapshots',
        unique_key='product_id',
        strategy='timestamp',
        updated_at='updated_at'
    )
}}
-- Product rows as they were at each build (SCD2 by products.updated_at): every price change
-- the landing shows between two builds becomes a new version with dbt_valid_from/dbt_valid_to.
select
    product_id,
    product_name,
    category,
    list_price,
    unit_cost,
    updated_at
from {{ ref('stg_products') }}
{% endsnapshot %}
