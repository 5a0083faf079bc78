{% macro cents_to_dollars(column_name, scale=2) -%}
    {{ return(adapter.dispatch('cents_to_dollars')(column_name, scale)) }}
{%- endmacro %}

{% macro default__cents_to_dollars(column_name, scale) -%}
    round(cast({{ column_name }} as {{ dbt.type_numeric() }}) / 100, {{ scale }})
{%- endmacro %}
