{{
    config(materialized='table')
}}
-- A table, not a view like the rest of staging: a large entity read by several marts, the
-- quarantine and a dozen tests; as a view each of them would redo the deduplication window.
-- One row per order, showing its latest known state. Duplicates keep the most recently updated
-- row; orders without a key or of an unknown customer are dropped (see stg_quarantine).
with source as (

    select * from {{ source('landing', 'orders') }}

),

customers as (

    select customer_id from {{ ref('stg_customers') }}

),

cleaned as (

    select
        source.order_id,
        source.customer_id,
        lower(trim(cast(source.order_status as {{ dbt.type_string() }}))) as order_status,
        cast(source.order_channel as {{ dbt.type_string() }}) as order_channel,
        cast(source.order_ts as {{ dbt.type_timestamp() }}) as ordered_at,
        cast(source.shipped_at as {{ dbt.type_timestamp() }}) as shipped_at,
        cast(source.delivered_at as {{ dbt.type_timestamp() }}) as delivered_at,
        cast(source.cancelled_at as {{ dbt.type_timestamp() }}) as cancelled_at,
        cast(source.returned_at as {{ dbt.type_timestamp() }}) as returned_at,
        cast(source.created_at as {{ dbt.type_timestamp() }}) as landed_at,
        cast(source.updated_at as {{ dbt.type_timestamp() }}) as updated_at
    from source
    inner join customers
        on source.customer_id = customers.customer_id
    where source.order_id is not null
        and source.order_ts is not null

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by order_id
            order by updated_at desc, landed_at desc, order_status
        ) as duplicate_rank
    from cleaned

)

select
    order_id,
    customer_id,
    order_status,
    order_channel,
    ordered_at,
    cast(ordered_at as date) as order_date,
    shipped_at,
    delivered_at,
    cancelled_at,
    returned_at,
    landed_at,
    updated_at
from deduplicated
where duplicate_rank = 1
