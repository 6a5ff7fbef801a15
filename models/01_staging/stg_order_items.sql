{{
    config(materialized='table')
}}
-- A table, not a view like the rest of staging: a large entity read by several marts, the
-- quarantine and a dozen tests; as a view each of them would redo the deduplication window.
-- One row per valid order line. Lines with a NULL key, a quantity below 1, a negative unit
-- price, an unknown product or an unknown (or dropped) order are removed here (and listed in
-- stg_quarantine), so that no fault reaches the marts.
with source as (

    select * from {{ source('landing', 'order_items') }}

),

orders as (

    select order_id from {{ ref('stg_orders') }}

),

products as (

    select product_id from {{ ref('stg_products') }}

),

cleaned as (

    select
        source.order_item_id,
        source.order_id,
        source.product_id,
        source.quantity,
        source.unit_price,
        cast(source.updated_at as {{ dbt.type_timestamp() }}) as updated_at
    from source
    inner join orders
        on source.order_id = orders.order_id
    inner join products
        on source.product_id = products.product_id
    where source.order_item_id is not null
        and source.quantity >= 1
        and source.unit_price >= 0

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by order_item_id
            order by updated_at desc, quantity desc, unit_price desc
        ) as duplicate_rank
    from cleaned

)

select
    order_item_id,
    order_id,
    product_id,
    quantity,
    unit_price,
    {{ amount('quantity * unit_price') }} as line_amount,
    updated_at
from deduplicated
where duplicate_rank = 1
