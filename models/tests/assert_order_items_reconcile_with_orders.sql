-- The incremental line table and the order table must agree order by order: same recognised
-- revenue, returned amount and status. A late status change the incremental lookback missed
-- shows up here. Returns the orders that disagree.
with lines as (

    select
        order_id,
        max(order_status) as order_status,
        sum(recognized_revenue) as recognized_revenue,
        sum(returned_amount) as returned_amount,
        sum(line_amount) as gross_amount
    from {{ ref('fact_order_items') }}
    group by order_id

),

orders as (

    select order_id, order_status, recognized_revenue, returned_amount, gross_amount
    from {{ ref('fact_orders') }}
    where item_count > 0

)

select
    orders.order_id,
    orders.order_status,
    lines.order_status as line_order_status,
    orders.recognized_revenue,
    lines.recognized_revenue as line_recognized_revenue
from orders
full outer join lines
    on orders.order_id = lines.order_id
where orders.order_id is null
    or lines.order_id is null
    or orders.order_status != lines.order_status
    or orders.recognized_revenue != lines.recognized_revenue
    or orders.returned_amount != lines.returned_amount
    or orders.gross_amount != lines.gross_amount
