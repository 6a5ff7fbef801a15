-- One row per product with its current list price (the latest valid price on or before as_of),
-- category, unit cost and margin.
with products as (

    select * from {{ ref('stg_products') }}

),

price_history as (

    select * from {{ ref('dim_product_prices') }}

),

current_prices as (

    select
        product_id,
        price as current_price
    from price_history
    where is_current

),

price_changes as (

    select
        product_id,
        count(*) - 1 as price_change_count
    from price_history
    group by product_id

),

priced as (

    select
        products.product_id,
        products.product_name,
        products.category,
        products.subcategory,
        products.brand,
        products.description,
        -- the change log is the authority; the landed list price only fills a product whose
        -- history is missing
        coalesce(current_prices.current_price, products.list_price) as current_price,
        products.unit_cost,
        coalesce(price_changes.price_change_count, 0) as price_change_count,
        products.launched_at,
        products.launch_date
    from products
    left join current_prices
        on products.product_id = current_prices.product_id
    left join price_changes
        on products.product_id = price_changes.product_id

)

select
    product_id,
    product_name,
    category,
    subcategory,
    brand,
    description,
    current_price,
    unit_cost,
    current_price - unit_cost as margin_amount,
    {{ ratio('current_price - unit_cost', 'current_price') }} as margin_pct,
    price_change_count,
    launched_at,
    launch_date
from priced
