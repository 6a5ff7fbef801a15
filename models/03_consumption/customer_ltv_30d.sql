-- One row per customer who placed an order in the 30 days ending on as_of (as_of - 29 to as_of,
-- inclusive): their orders and recognised revenue in that window beside their lifetime figures.
-- The window length is var('ltv_window_days').
with orders as (

    select * from {{ ref('fact_orders') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

window_orders as (

    select
        customer_id,
        count(*) as orders_in_window,
        sum(case when order_status = 'cancelled' then 0 else gross_amount end) as gross_sales_in_window,
        sum(recognized_revenue) as revenue_in_window
    from orders
    where order_date >= {{ window_start_date(var('ltv_window_days')) }}
        and order_date <= {{ as_of_date() }}
    group by customer_id

)

select
    window_orders.customer_id,
    customers.segment,
    customers.first_order_at,
    window_orders.orders_in_window,
    window_orders.gross_sales_in_window,
    window_orders.revenue_in_window,
    customers.lifetime_orders,
    customers.lifetime_revenue,
    {{ ratio('window_orders.revenue_in_window', 'customers.lifetime_revenue') }} as share_of_lifetime_revenue
from window_orders
inner join customers
    on window_orders.customer_id = customers.customer_id
