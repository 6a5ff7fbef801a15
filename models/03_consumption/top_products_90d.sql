-- The best-selling products of the 90 days ending on as_of (as_of - 89 to as_of, inclusive), by
-- gross sales of orders not cancelled. Ties share a rank (rank(), so 1, 1, 3) and every
-- product ranked within var('top_products_limit') is kept, so the table can hold more rows
-- than the limit when the last places tie.
with items as (

    select * from {{ ref('fact_order_items') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

window_sales as (

    select
        product_id,
        count(distinct order_id) as orders,
        sum(quantity) as units_sold,
        sum(line_amount) as gross_sales,
        sum(recognized_revenue) as recognized_revenue
    from items
    where order_status != 'cancelled'
        and order_date >= {{ window_start_date(var('top_products_window_days')) }}
        and order_date <= {{ as_of_date() }}
    group by product_id

),

ranked as (

    select
        *,
        rank() over (order by gross_sales desc) as sales_rank
    from window_sales

)

select
    ranked.sales_rank,
    ranked.product_id,
    products.product_name,
    products.category,
    ranked.orders,
    ranked.units_sold,
    ranked.gross_sales,
    ranked.recognized_revenue
from ranked
inner join products
    on ranked.product_id = products.product_id
where ranked.sales_rank <= {{ var('top_products_limit') }}
