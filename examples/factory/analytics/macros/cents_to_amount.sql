{#- Portable arithmetic for both warehouses. Not cast(x as {{ dbt.type_numeric() }}):
    on SQLite a cast to NUMERIC leaves an integer an integer, and the division
    that follows would drop the fraction; a decimal literal makes it exact on
    PostgreSQL and real on SQLite. -#}

{# Cents (an integer column) as an amount in the currency's unit. #}
{% macro cents_to_amount(column) -%}
    round(({{ column }}) / 100.0, 2)
{%- endmacro %}

{# A share of two counts, 0..1 with four decimals; NULL when the whole is 0. #}
{% macro ratio(part, whole) -%}
    round(1.0 * ({{ part }}) / nullif({{ whole }}, 0), 4)
{%- endmacro %}
