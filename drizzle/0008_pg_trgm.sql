-- Trigram indexes let file-name search match inside a name ("olla" finds jolla.jpg) without
-- scanning every row. pg_trgm is a trusted extension (Postgres 13+): the database owner may
-- create it without superuser; Neon ships it; the local PGlite stand-in bundles it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
