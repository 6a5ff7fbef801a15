-- The current period of the SCD2 price history is the price dim_products reports: one current
-- period per product that has a history, and the same price.
select
    dim_products.product_id,
    dim_products.current_price,
    history.price as history_price,
    history.current_periods
from {{ ref('dim_products') }} as dim_products
inner join (
    select
        product_id,
        max(case when is_current then price end) as price,
        sum(case when is_current then 1 else 0 end) as current_periods
    from {{ ref('dim_product_prices') }}
    group by product_id
) as history
    on dim_products.product_id = history.product_id
where history.current_periods != 1
    or dim_products.current_price != history.price
