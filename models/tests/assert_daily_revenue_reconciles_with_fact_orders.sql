-- Daily recognised revenue, gross sales and order counts must add up to fact_orders' totals:
-- a day missing from the date spine, or an order dated outside it, would break the sum.
-- Returns a row (a failure) when any total differs.
with daily as (

    select
        sum(recognized_revenue) as recognized_revenue,
        sum(gross_sales) as gross_sales,
        sum(orders_placed) as orders_placed
    from {{ ref('daily_revenue_by_date') }}

),

facts as (

    select
        sum(recognized_revenue) as recognized_revenue,
        sum(case when order_status = 'cancelled' then 0 else gross_amount end) as gross_sales,
        count(*) as orders_placed
    from {{ ref('fact_orders') }}

)

select
    daily.recognized_revenue as daily_recognized_revenue,
    facts.recognized_revenue as fact_recognized_revenue,
    daily.gross_sales as daily_gross_sales,
    facts.gross_sales as fact_gross_sales,
    daily.orders_placed as daily_orders_placed,
    facts.orders_placed as fact_orders_placed
from daily
cross join facts
where coalesce(daily.recognized_revenue, 0) != coalesce(facts.recognized_revenue, 0)
    or coalesce(daily.gross_sales, 0) != coalesce(facts.gross_sales, 0)
    or coalesce(daily.orders_placed, 0) != coalesce(facts.orders_placed, 0)
