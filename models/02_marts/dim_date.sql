-- One row per day of the scenario, from var('start_date') to var('as_of') inclusive: a date
-- spine built from the scenario's dates, never from the clock.
-- Holidays are the US retail calendar the simulator's demand spikes follow.
with spine as (

    {{ dbt.date_spine(
        datepart='day',
        start_date=start_date(),
        end_date=dbt.dateadd('day', 1, as_of_date())
    ) }}

),

days as (

    select
        cast(date_day as date) as date_day
    from spine

),

parts as (

    select
        date_day,
        extract(year from date_day) as year_number,
        extract(quarter from date_day) as quarter_number,
        extract(month from date_day) as month_number,
        extract(day from date_day) as day_of_month,
        {{ iso_day_of_week('date_day') }} as iso_day_of_week,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast({{ dbt.last_day('date_day', 'month') }} as date) as month_end_date
    from days

),

holidays as (

    select
        *,
        case
            when month_number = 1 and day_of_month = 1 then 'new_years_day'
            -- Thanksgiving is the fourth Thursday of November (22nd-28th), Black Friday the day after
            when month_number = 11 and iso_day_of_week = 4 and day_of_month between 22 and 28 then 'thanksgiving'
            when month_number = 11 and iso_day_of_week = 5 and day_of_month between 23 and 29 then 'black_friday'
            -- Cyber Monday is four days after Thanksgiving: 26th November to 2nd December
            when iso_day_of_week = 1 and (
                (month_number = 11 and day_of_month between 26 and 30)
                or (month_number = 12 and day_of_month between 1 and 2)
            ) then 'cyber_monday'
            when month_number = 12 and day_of_month = 24 then 'christmas_eve'
            when month_number = 12 and day_of_month = 25 then 'christmas_day'
            when month_number = 12 and day_of_month = 31 then 'new_years_eve'
        end as holiday_name
    from parts

)

select
    date_day,
    year_number,
    quarter_number,
    month_number,
    day_of_month,
    iso_day_of_week,
    case iso_day_of_week
        when 1 then 'Monday'
        when 2 then 'Tuesday'
        when 3 then 'Wednesday'
        when 4 then 'Thursday'
        when 5 then 'Friday'
        when 6 then 'Saturday'
        else 'Sunday'
    end as day_name,
    cast({{ dbt.dateadd('day', '1 - ' ~ iso_day_of_week('date_day'), 'date_day') }} as date) as iso_week_start_date,
    month_start_date,
    month_end_date,
    iso_day_of_week >= 6 as is_weekend,
    holiday_name is not null as is_holiday,
    holiday_name,
    -- the shopping days before Christmas that carry the seasonal peak
    month_number = 12 and day_of_month between 1 and 24 as is_christmas_shopping_period
from holidays
