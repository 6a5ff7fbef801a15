-- One row per product category: of the order lines that reached the customer (delivered or
-- returned by as_of), the share returned, by line count and by value.
with items as (

    select * from {{ ref('fact_order_items') }}

),

products as (

    select product_id, category from {{ ref('dim_products') }}

),

by_category as (

    select
        products.category,
        count(*) as received_lines,
        sum(case when items.order_status = 'returned' then 1 else 0 end) as returned_lines,
        sum(items.line_amount) as received_amount,
        sum(items.returned_amount) as returned_amount
    from items
    inner join products
        on items.product_id = products.product_id
    where items.order_status in ('delivered', 'returned')
    group by products.category

)

select
    category,
    received_lines,
    returned_lines,
    {{ ratio('returned_lines', 'received_lines') }} as return_rate,
    received_amount,
    returned_amount,
    {{ ratio('returned_amount', 'received_amount') }} as return_rate_by_value
from by_category
