-- CREATE EXTENSION refuses a database whose encoding is not UTF8 (the
-- schema stores Greek text), with a hint saying how to create one.
\set SHOW_CONTEXT never
CREATE DATABASE flashcard_schema_sql_ascii
    ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\set regress_db :DBNAME
\c flashcard_schema_sql_ascii
SELECT pg_catalog.getdatabaseencoding();
CREATE EXTENSION flashcard_schema;
\echo :LAST_ERROR_SQLSTATE
-- Nothing was left behind.
SELECT count(*) AS extensions FROM pg_catalog.pg_extension WHERE extname = 'flashcard_schema';
SELECT count(*) AS types FROM pg_catalog.pg_type WHERE typname = 'decklevel';
\c :regress_db
DROP DATABASE flashcard_schema_sql_ascii;
