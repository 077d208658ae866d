"""Columns written as in SQL (luutru_common.migration_ddl.column) become the sa.Column
Alembic's autogenerate wrote; the migrated catalogue as a whole is checked by
tests/integration/platform/test_migration_catalogue.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable

from luutru_common.migration_ddl import column, columns


def ddl(*specs: str) -> str:
    table = sa.Table(
        "t", sa.MetaData(), *columns(*specs), sa.PrimaryKeyConstraint("id"), schema="s"
    )
    return " ".join(str(CreateTable(table).compile(dialect=postgresql.dialect())).split())


def test_a_column_is_nullable_unless_it_says_not_null():
    assert column("note text").nullable
    assert not column("note text not null").nullable
    assert not column("id uuid primary key").nullable


def test_the_sql_of_the_columns_is_what_the_spec_says():
    assert ddl(
        "id bigserial not null",
        "seq bigint generated always as identity not null",
        "at timestamptz not null default now()",
        "status text not null default 'new'",
        "tags text[]",
        "body jsonb",
    ) == (
        "CREATE TABLE s.t ( id BIGSERIAL NOT NULL, "
        "seq BIGINT GENERATED ALWAYS AS IDENTITY, "
        "at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, "
        "status TEXT DEFAULT 'new' NOT NULL, tags TEXT[], body JSONB, PRIMARY KEY (id) )"
    )


@pytest.mark.parametrize(
    "spec", ["note", "note varchar", "note text null", "note text not null default", ""]
)
def test_what_is_not_a_column_is_refused(spec):
    with pytest.raises(ValueError, match="not a column"):
        column(spec)
