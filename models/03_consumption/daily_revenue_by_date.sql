-- One row per scenario day (including days without orders): orders placed that day by status,
-- their gross amount, the revenue recognised on them (delivered by as_of) and the amount returned.
with days as (

    select date_day, iso_day_of_week, is_weekend, is_holiday, holiday_name
    from {{ ref('dim_date') }}

),

orders as (

    select * from {{ ref('fact_orders') }}

),

daily as (

    select
        order_date,
        count(*) as orders_placed,
        sum(case when order_status = 'delivered' then 1 else 0 end) as orders_delivered,
        sum(case when order_status = 'returned' then 1 else 0 end) as orders_returned,
        sum(case when order_status = 'cancelled' then 1 else 0 end) as orders_cancelled,
        sum(case when order_status = 'cancelled' then 0 else units end) as units_sold,
        sum(case when order_status = 'cancelled' then 0 else gross_amount end) as gross_sales,
        sum(recognized_revenue) as recognized_revenue,
        sum(returned_amount) as returned_amount,
        count(distinct customer_id) as customers
    from orders
    group by order_date

)

select
    days.date_day,
    days.iso_day_of_week,
    days.is_weekend,
    days.is_holiday,
    days.holiday_name,
    coalesce(daily.orders_placed, 0) as orders_placed,
    coalesce(daily.orders_delivered, 0) as orders_delivered,
    coalesce(daily.orders_returned, 0) as orders_returned,
    coalesce(daily.orders_cancelled, 0) as orders_cancelled,
    coalesce(daily.units_sold, 0) as units_sold,
    coalesce(daily.gross_sales, 0) as gross_sales,
    coalesce(daily.recognized_revenue, 0) as recognized_revenue,
    coalesce(daily.returned_amount, 0) as returned_amount,
    coalesce(daily.customers, 0) as customers
from days
left join daily
    on days.date_day = daily.order_date
