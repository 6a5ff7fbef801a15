-- The price change log: one row per product and valid_from, with negative prices, NULL keys,
-- exact duplicates and prices of unknown products removed.
with source as (

    select * from {{ source('landing', 'product_prices') }}

),

products as (

    select product_id from {{ ref('stg_products') }}

),

valid as (

    select distinct
        source.product_id,
        source.price,
        cast(source.valid_from as {{ dbt.type_timestamp() }}) as valid_from
    from source
    inner join products
        on source.product_id = products.product_id
    where source.valid_from is not null
        and source.price >= 0

),

deduplicated as (

    -- Two different prices for the same instant cannot both hold: keep the higher one, so the
    -- choice does not depend on the order rows were landed in.
    select
        *,
        row_number() over (partition by product_id, valid_from order by price desc) as duplicate_rank
    from valid

)

select
    product_id,
    price,
    valid_from
from deduplicated
where duplicate_rank = 1
