-- One row per customer with their order history summarised as of the scenario date.
-- segment (first match wins):
--   prospect  no order yet
--   vip       lifetime revenue at or above var('vip_lifetime_revenue')
--   at_risk   last order more than var('at_risk_days') days before as_of
--   repeat    two or more orders
--   one_time  otherwise
with customers as (

    select * from {{ ref('stg_customers') }}

),

orders as (

    select * from {{ ref('fact_orders') }}

),

countries as (

    select * from {{ ref('country_regions') }}

),

order_history as (

    select
        customer_id,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at,
        count(*) as lifetime_orders,
        {{ whole_count("sum(case when order_status = 'delivered' then 1 else 0 end)") }} as lifetime_delivered_orders,
        {{ amount('sum(recognized_revenue)') }} as lifetime_revenue,
        {{ amount('sum(returned_amount)') }} as lifetime_returned_amount
    from orders
    group by customer_id

),

joined as (

    select
        customers.customer_id,
        customers.first_name,
        customers.last_name,
        {{ dbt.concat(['customers.first_name', "' '", 'customers.last_name']) }} as full_name,
        customers.email,
        customers.is_email_valid,
        customers.country_code,
        countries.country_name,
        -- a country missing from the seed still gets a region, so a new market is visible
        coalesce(countries.region, 'Other') as region,
        customers.acquisition_channel,
        customers.signed_up_at,
        customers.signup_date,
        order_history.first_order_at,
        order_history.last_order_at,
        coalesce(order_history.lifetime_orders, 0) as lifetime_orders,
        coalesce(order_history.lifetime_delivered_orders, 0) as lifetime_delivered_orders,
        coalesce(order_history.lifetime_revenue, 0) as lifetime_revenue,
        coalesce(order_history.lifetime_returned_amount, 0) as lifetime_returned_amount,
        {{ dbt.datediff('customers.signup_date', as_of_date(), 'day') }} as customer_tenure_days,
        {{ dbt.datediff('cast(order_history.last_order_at as date)', as_of_date(), 'day') }} as days_since_last_order
    from customers
    left join order_history
        on customers.customer_id = order_history.customer_id
    left join countries
        on customers.country_code = countries.country_code

)

select
    *,
    case
        when lifetime_orders = 0 then 'prospect'
        when lifetime_revenue >= {{ var('vip_lifetime_revenue') }} then 'vip'
        when days_since_last_order > {{ var('at_risk_days') }} then 'at_risk'
        when lifetime_orders >= 2 then 'repeat'
        else 'one_time'
    end as segment
from joined
