-- A customer's revenue in the 30-day window can never exceed their lifetime revenue, nor
-- their window orders their lifetime orders. Returns the customers that break it.
select
    customer_id,
    revenue_in_window,
    lifetime_revenue,
    orders_in_window,
    lifetime_orders
from {{ ref('customer_ltv_30d') }}
where revenue_in_window > lifetime_revenue
    or orders_in_window > lifetime_orders
