-- The product price history as a type-2 slowly changing dimension: one row per product and
-- price period, [valid_from, valid_to). The current period has valid_to NULL and is_current.
-- Built from the landing change log; models/snapshots/snap_products records the same history
-- from products.updated_at when the log is not available.
with prices as (

    select * from {{ ref('stg_product_prices') }}

),

periods as (

    select
        product_id,
        price,
        valid_from,
        lead(valid_from) over (partition by product_id order by valid_from) as valid_to,
        lag(price) over (partition by product_id order by valid_from) as previous_price
    from prices

)

select
    -- valid_from as epoch seconds: text renderings of timestamps differ between engines
    {{ dbt.hash(dbt.concat([
        dbt.cast('product_id', dbt.type_string()),
        "'|'",
        dbt.cast(dbt.datediff("cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")", 'valid_from', 'second'), dbt.type_string())
    ])) }} as product_price_key,
    product_id,
    price,
    previous_price,
    valid_from,
    valid_to,
    valid_to is null as is_current
from periods
