-- One row per order with its status, item totals and recognised revenue.
-- Revenue is recognised only for delivered orders; a returned order was delivered and then
-- sent back, so it nets to zero (its amount shows in returned_amount). Placed or shipped
-- orders are not revenue yet, cancelled orders never are.
with orders as (

    select * from {{ ref('stg_orders') }}

),

order_items as (

    select * from {{ ref('stg_order_items') }}

),

order_totals as (

    select
        order_id,
        count(*) as item_count,
        {{ whole_count('sum(quantity)') }} as units,
        {{ amount('sum(line_amount)') }} as gross_amount
    from order_items
    group by order_id

)

select
    orders.order_id,
    orders.customer_id,
    orders.order_status,
    orders.order_channel,
    orders.ordered_at,
    orders.order_date,
    orders.shipped_at,
    orders.delivered_at,
    orders.cancelled_at,
    orders.returned_at,
    coalesce(order_totals.item_count, 0) as item_count,
    coalesce(order_totals.units, 0) as units,
    coalesce(order_totals.gross_amount, 0) as gross_amount,
    case
        when orders.order_status = 'delivered' then coalesce(order_totals.gross_amount, 0)
        else 0
    end as recognized_revenue,
    case
        when orders.order_status = 'returned' then coalesce(order_totals.gross_amount, 0)
        else 0
    end as returned_amount,
    orders.order_status = 'delivered' as is_revenue_recognized,
    orders.updated_at
from orders
left join order_totals
    on orders.order_id = order_totals.order_id
