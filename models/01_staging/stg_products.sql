-- One row per product, duplicates removed, labels trimmed. A negative list price (a data-quality fault) is
-- not a price: it becomes NULL here and dim_products takes the price from the price history.
with source as (

    select * from {{ source('landing', 'products') }}

),

cleaned as (

    select
        product_id,
        trim(product_name) as product_name,
        trim(category) as category,
        trim(subcategory) as subcategory,
        trim(brand) as brand,
        nullif(trim(description), '') as description,
        price as landed_price,
        cost as unit_cost,
        cast(launched_at as {{ dbt.type_timestamp() }}) as launched_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at
    from source
    where product_id is not null

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by product_id
            order by updated_at desc, landed_price desc, product_name
        ) as duplicate_rank
    from cleaned

)

select
    product_id,
    product_name,
    category,
    subcategory,
    brand,
    description,
    case when landed_price >= 0 then landed_price end as list_price,
    case when unit_cost >= 0 then unit_cost end as unit_cost,
    launched_at,
    cast(launched_at as date) as launch_date,
    updated_at
from deduplicated
where duplicate_rank = 1
