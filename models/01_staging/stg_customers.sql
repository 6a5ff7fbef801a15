{{
    config(materialized='table')
}}
-- A table, not a view like the rest of staging: a large entity read by several marts, the
-- quarantine and a dozen tests; as a view each of them would redo the deduplication window.
-- One row per customer: trimmed names, lower-cased emails, duplicates removed.
-- Rows without a key are dropped (see stg_quarantine); a NULL or malformed email keeps the
-- customer (their orders are real) but is exposed as NULL with is_email_valid = false.
with source as (

    select * from {{ source('landing', 'customers') }}

),

cleaned as (

    select
        customer_id,
        trim(first_name) as first_name,
        trim(last_name) as last_name,
        lower(trim(email)) as email_normalized,
        upper(trim(country_code)) as country_code,
        cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(created_at as {{ dbt.type_timestamp() }}) as signed_up_at
    from source
    where customer_id is not null

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by signed_up_at, email_normalized, first_name, last_name
        ) as duplicate_rank
    from cleaned

)

select
    customer_id,
    first_name,
    last_name,
    case when email_normalized like '%_@_%' then email_normalized end as email,
    coalesce(email_normalized like '%_@_%', false) as is_email_valid,
    country_code,
    acquisition_channel,
    signed_up_at,
    cast(signed_up_at as date) as signup_date
from deduplicated
where duplicate_rank = 1
