/* flashcard_schema--1.1--1.2.sql: decks gain the C1 and C2 levels */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'" to load this file. \quit

-- Appending enum labels is a catalog-only change: no table is locked or rewritten.
ALTER TYPE @extschema@.decklevel ADD VALUE 'C1';
ALTER TYPE @extschema@.decklevel ADD VALUE 'C2';
