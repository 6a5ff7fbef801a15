{{
    config(
        materialized='incremental',
        unique_key='order_item_id',
        incremental_strategy='merge',
        on_schema_change='fail'
    )
}}
-- One row per order line with the order's status and the line's recognised revenue.
-- Incremental: each run merges the lines whose order changed (a status update, or a late row
-- landing) since the last run, re-reading var('incremental_lookback_days') days before the
-- high-water mark so that changes stamped just before it still arrive.
with order_items as (

    select * from {{ ref('stg_order_items') }}

),

orders as (

    select * from {{ ref('stg_orders') }}

),

lines as (

    select
        order_items.order_item_id,
        order_items.order_id,
        orders.customer_id,
        order_items.product_id,
        orders.order_status,
        orders.order_date,
        order_items.quantity,
        order_items.unit_price,
        order_items.line_amount,
        case when orders.order_status = 'delivered' then order_items.line_amount else 0 end as recognized_revenue,
        case when orders.order_status = 'returned' then order_items.line_amount else 0 end as returned_amount,
        order_items.updated_at,
        -- a late row lands (landed_at) after its last status change (updated_at): either one
        -- means the line is new to this warehouse
        greatest(order_items.updated_at, coalesce(orders.landed_at, order_items.updated_at)) as changed_at
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id

)

select * from lines
{% if is_incremental() %}
where changed_at >= (
    select {{ dbt.dateadd('day', -1 * var('incremental_lookback_days'), 'max(changed_at)') }}
    from {{ this }}
)
{% endif %}
