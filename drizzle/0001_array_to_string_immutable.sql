-- array_to_string is only STABLE, so a generated column cannot call it; for text[] it
-- is in fact immutable, and this wrapper says so. The images.search column uses it.
CREATE OR REPLACE FUNCTION immutable_array_to_string(text[], text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string($1, $2) $$;
