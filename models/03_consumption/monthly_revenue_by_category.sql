-- One row per calendar month and product category: units, gross sales of orders not cancelled,
-- recognised revenue and returned amount of the orders placed in that month.
with items as (

    select * from {{ ref('fact_order_items') }}

),

products as (

    select product_id, category from {{ ref('dim_products') }}

),

monthly as (

    select
        cast({{ dbt.date_trunc('month', 'items.order_date') }} as date) as month_start_date,
        products.category,
        count(distinct items.order_id) as orders,
        sum(case when items.order_status = 'cancelled' then 0 else items.quantity end) as units_sold,
        sum(case when items.order_status = 'cancelled' then 0 else items.line_amount end) as gross_sales,
        sum(items.recognized_revenue) as recognized_revenue,
        sum(items.returned_amount) as returned_amount
    from items
    inner join products
        on items.product_id = products.product_id
    group by 1, 2

)

select * from monthly
