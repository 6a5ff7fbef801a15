-- Monthly retention by acquisition cohort: a customer's cohort is the calendar month of their
-- first order; months_since_first_order counts calendar months (an order on 31 January and one
-- on 1 February are months 0 and 1). One row per cohort and month in which any of its customers
-- ordered again (orders not cancelled).
with orders as (

    select customer_id, order_date
    from {{ ref('fact_orders') }}
    where order_status != 'cancelled'

),

customer_months as (

    select distinct
        customer_id,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month
    from orders

),

cohorts as (

    select
        customer_id,
        min(order_month) as cohort_month
    from customer_months
    group by customer_id

),

cohort_sizes as (

    select
        cohort_month,
        count(*) as cohort_size
    from cohorts
    group by cohort_month

),

activity as (

    select
        cohorts.cohort_month,
        {{ dbt.datediff('cohorts.cohort_month', 'customer_months.order_month', 'month') }} as months_since_first_order,
        count(*) as active_customers
    from customer_months
    inner join cohorts
        on customer_months.customer_id = cohorts.customer_id
    group by 1, 2

)

select
    activity.cohort_month,
    activity.months_since_first_order,
    cohort_sizes.cohort_size,
    activity.active_customers,
    {{ ratio('activity.active_customers', 'cohort_sizes.cohort_size') }} as retention_rate
from activity
inner join cohort_sizes
    on activity.cohort_month = cohort_sizes.cohort_month
